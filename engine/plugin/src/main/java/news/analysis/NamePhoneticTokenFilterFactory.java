package news.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;
import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.IntSetting;

/**
 * Double Metaphone codes of names ({@link NamePhoneticTokenFilter}), so that transliterations of
 * one name (Rouhani, Rohani; Hezbollah, Hizballah) share an indexed term.
 */
@NamedComponent("news_name_phonetic")
public final class NamePhoneticTokenFilterFactory implements TokenFilterFactory {

    /** The filter's settings in the index's analysis section. */
    @AnalysisSettings
    public interface Settings {
        /**
         * Longest code kept. The algorithm's own default of 4 makes most long names collide
         * (Abdollahian and Abdolmaleki); 6 keeps them apart and still folds vowel changes.
         */
        @IntSetting(path = "max_code_length", defaultValue = 6)
        int maxCodeLength();
    }

    private final int maxCodeLength;

    @Inject
    public NamePhoneticTokenFilterFactory(Settings settings) {
        this.maxCodeLength = settings.maxCodeLength();
    }

    @Override
    public TokenStream create(TokenStream tokenStream) {
        return new NamePhoneticTokenFilter(tokenStream, maxCodeLength);
    }
}
