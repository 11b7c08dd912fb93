package news.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;

/** Folds non-ASCII letters to their ASCII equivalents (ES's {@code asciifolding}, no original kept). */
@NamedComponent("news_asciifolding")
public final class AsciiFoldingTokenFilterFactory implements TokenFilterFactory {

    @Override
    public TokenStream create(TokenStream tokenStream) {
        return new ASCIIFoldingFilter(tokenStream, false);
    }

    // Folding is per-character, so it is safe when ES normalizes wildcard, prefix and fuzzy
    // query terms with the field's analyzer; the API's default would skip it and "zür*" would
    // miss "zurich". (Keyword normalizers still reject it: ES 9.5 only accepts filters that
    // implement its internal NormalizingTokenFilterFactory, which the stable API cannot.)
    @Override
    public TokenStream normalize(TokenStream tokenStream) {
        return new ASCIIFoldingFilter(tokenStream, false);
    }
}
