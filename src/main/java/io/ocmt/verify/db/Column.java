package io.ocmt.verify.db;

/**
 * One column of a table, named as a release manager reads it: {@code table.column}, with the schema
 * in front only when it is not {@code public}.
 *
 * @param dataType information_schema's data_type, e.g. {@code text}, {@code bytea}, {@code jsonb}
 */
public record Column(String schema, String table, String name, String dataType) {

    public String qualified() {
        return ("public".equals(schema) ? "" : schema + ".") + table + "." + name;
    }

    public boolean isBytea() {
        return "bytea".equals(dataType);
    }

    /** The quoted SQL identifier of the table. */
    String sqlTable() {
        return quote(schema) + "." + quote(table);
    }

    String sqlColumn() {
        return quote(name);
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    @Override
    public String toString() {
        return qualified();
    }
}
