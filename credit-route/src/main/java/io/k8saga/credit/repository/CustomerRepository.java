package io.k8saga.credit.repository;

import io.k8saga.common.db.Sql;
import io.k8saga.credit.domain.Customer;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Optional;
import javax.sql.DataSource;

@ApplicationScoped
public class CustomerRepository {

    private static final String COLUMNS = "customer_id, name, credit_limit, credit_reserved";

    private final Sql sql;

    CustomerRepository(DataSource dataSource) {
        this.sql = new Sql(dataSource);
    }

    public Optional<Customer> find(String customerId) {
        return sql.one("SELECT " + COLUMNS + " FROM customer WHERE customer_id = ?", CustomerRepository::map,
                customerId);
    }

    /** Reads a customer and locks the row until the transaction ends, so reservations for them queue up. */
    public Optional<Customer> lock(String customerId) {
        return sql.one("SELECT " + COLUMNS + " FROM customer WHERE customer_id = ? FOR UPDATE",
                CustomerRepository::map, customerId);
    }

    public void insert(Customer customer) {
        sql.update("INSERT INTO customer (" + COLUMNS + ", created_at) VALUES (?, ?, ?, ?, ?)",
                customer.customerId(), customer.name(), customer.creditLimit(), customer.creditReserved(),
                OffsetDateTime.now());
    }

    public void updateReserved(Customer customer) {
        sql.update("UPDATE customer SET credit_reserved = ? WHERE customer_id = ?",
                customer.creditReserved(), customer.customerId());
    }

    private static Customer map(ResultSet row) throws SQLException {
        return new Customer(row.getString(1), row.getString(2), row.getBigDecimal(3), row.getBigDecimal(4));
    }
}
