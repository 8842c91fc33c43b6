package io.fmebridge.settings;

import java.util.Locale;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.env.Environment;

/**
 * Stops start-up when {@code fme.store} and {@code spring.datasource.url} don't go together.
 * Runs before any bean is made, on the environment as it finally is (every property source in).
 */
public class StoreSettingCheck implements BeanFactoryPostProcessor {
    private final Environment environment;

    public StoreSettingCheck(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        check(environment);
    }

    static String store(Environment environment) {
        return environment.getProperty("fme.store", "h2").trim().toLowerCase(Locale.ROOT);
    }

    /** Names only the URL's scheme in a message: the rest may hold a password. */
    static void check(Environment environment) {
        String store = store(environment);
        String url = environment.getProperty("spring.datasource.url", "");
        switch (store) {
            case "h2" -> {
                if (!url.isBlank() && !url.startsWith("jdbc:h2:")) {
                    // the SQL would follow the URL's database while the setting says otherwise
                    throw new StoreSettingException("fme.store is h2 (the default), but spring.datasource.url is a "
                            + scheme(url) + " URL; set fme.store=postgres for PostgreSQL");
                }
                if ("kafka".equals(environment.getProperty("fme.queue"))) {
                    // fine for one instance; several would each store their share in a database of their own
                    org.slf4j.LoggerFactory.getLogger(StoreSettingCheck.class).warn("fme.queue is kafka with the embedded H2 "
                            + "store: run one instance only, or set fme.store=postgres so that instances share one database");
                }
            }
            case "postgres" -> {
                if (url.isBlank()) {
                    throw new StoreSettingException("fme.store is postgres, but spring.datasource.url is not set");
                }
                if (!url.startsWith("jdbc:postgresql:")) {
                    throw new StoreSettingException("fme.store is postgres, but spring.datasource.url is not a jdbc:postgresql: URL ("
                            + scheme(url) + ")");
                }
                if (url.toLowerCase(Locale.ROOT).contains("rewritebatchedinserts=true")) {
                    // the duplicate check reads each row's count of a batched insert, which that option hides
                    throw new StoreSettingException("spring.datasource.url sets reWriteBatchedInserts=true; the service needs it off");
                }
            }
            default -> throw new StoreSettingException("fme.store must be h2 or postgres, not '" + store + "'");
        }
    }

    private static String scheme(String url) {
        return url.matches("^jdbc:[a-zA-Z0-9]+:.*") ? url.substring(0, url.indexOf(':', 5) + 1) : "not a JDBC URL";
    }
}
