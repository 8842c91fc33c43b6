package io.fmebridge.settings;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a store setting that can't work into a short start-up message instead of a stack trace. */
public class StoreSettingFailureAnalyzer extends AbstractFailureAnalyzer<StoreSettingException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, StoreSettingException cause) {
        return new FailureAnalysis(cause.getMessage(), "Set fme.store to h2 (the embedded database, the default), or to postgres "
                + "with spring.datasource.url=jdbc:postgresql://<host>:<port>/<database>, spring.datasource.username and "
                + "spring.datasource.password, and start again.", cause);
    }
}
