package news.analysis;

import java.io.IOException;
import org.apache.commons.codec.language.DoubleMetaphone;
import org.apache.lucene.analysis.TokenFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;

/**
 * Replaces each word by its Double Metaphone codes: the primary one, then the alternate one at the
 * same position when it differs. "Rouhani", "Rohani" and "Rowhani" all become {@code RHN};
 * "Nasrallah" and "Nasrollah" {@code NSRL}. A word with no code (digits, punctuation) is kept as
 * it is. This is Lucene's {@code DoubleMetaphoneFilter} without the option of keeping the
 * original word: it is written here against commons-codec because the Lucene module
 * (lucene-analysis-phonetic) of the engine's exact Lucene version is not available to the build.
 */
public final class NamePhoneticTokenFilter extends TokenFilter {

    private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
    private final PositionIncrementAttribute position = addAttribute(PositionIncrementAttribute.class);
    private final DoubleMetaphone encoder = new DoubleMetaphone();
    // The alternate code still to emit for the current word, or null.
    private String pendingAlternate;

    public NamePhoneticTokenFilter(TokenStream input, int maxCodeLength) {
        super(input);
        encoder.setMaxCodeLen(maxCodeLength);
    }

    @Override
    public boolean incrementToken() throws IOException {
        if (pendingAlternate != null) {
            term.setEmpty().append(pendingAlternate);
            position.setPositionIncrement(0);
            pendingAlternate = null;
            return true;
        }
        if (!input.incrementToken()) {
            return false;
        }
        String word = term.toString();
        String primary = encoder.doubleMetaphone(word, false);
        if (primary == null || primary.isEmpty()) {
            return true;
        }
        String alternate = encoder.doubleMetaphone(word, true);
        term.setEmpty().append(primary);
        if (alternate != null && !alternate.isEmpty() && !alternate.equals(primary)) {
            pendingAlternate = alternate;
        }
        return true;
    }

    @Override
    public void reset() throws IOException {
        super.reset();
        pendingAlternate = null;
    }
}
