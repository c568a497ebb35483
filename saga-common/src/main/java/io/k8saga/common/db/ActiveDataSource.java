package io.k8saga.common.db;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource.DataSourceLiteral;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Each service defines two datasources, {@code h2} (embedded, the default) and {@code pg} (PostgreSQL),
 * because Quarkus fixes a datasource's kind at build time. The {@code pg} profile activates the PostgreSQL one
 * at run time; this producer hands the active one to the repositories as the unqualified DataSource.
 */
@Singleton
public class ActiveDataSource {

    @Produces
    @Singleton
    javax.sql.DataSource activeDataSource(@Any Instance<AgroalDataSource> dataSources,
            @ConfigProperty(name = "quarkus.datasource.pg.active", defaultValue = "false") boolean postgres) {
        return dataSources.select(new DataSourceLiteral(postgres ? "pg" : "h2")).get();
    }
}
