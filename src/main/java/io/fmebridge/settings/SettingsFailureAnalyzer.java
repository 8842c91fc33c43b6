package io.fmebridge.settings;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a wrong settings file into a short start-up message instead of a stack trace. */
public class SettingsFailureAnalyzer extends AbstractFailureAnalyzer<SettingsException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, SettingsException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Correct the entry named above, or point fme.integrations-file at another file, and start again.", cause);
    }
}
