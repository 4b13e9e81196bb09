//! Many rows in one statement through one parameter.
//!
//! The rows travel as a JSON array of arrays bound to a single placeholder,
//! and the statement reads them back as a table ([`rows`]). Two things make
//! this the way the join path talks to the database:
//!
//! - The SQL text is the same however many rows there are, so each statement
//!   is prepared once per connection and then found in sqlx's statement
//!   cache. A `VALUES ($1, $2), ($3, $4)…` list is new text for every row
//!   count, prepared again nearly every batch.
//! - SQLite looks a `$N` placeholder up by a linear scan over the
//!   statement's parameter names, so binding a list of n values costs n²;
//!   one value costs nothing. The `Any` driver also converts each bound value
//!   once more on its way to the database.
//!
//! The only dialect difference is the function that turns the array into
//! rows: `json_each` on SQLite, `jsonb_array_elements` on PostgreSQL.

use serde::Serialize;
use sqlx::AnyConnection;

/// A column of the rows, by name and type.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Col {
    Text(&'static str),
    Int(&'static str),
}

/// A table expression (`(SELECT …) AS alias`) with the given columns, read
/// from the JSON array bound to `$param`; each row is an array with one
/// value per column, in order.
pub(crate) fn rows(conn: &AnyConnection, param: u32, alias: &str, cols: &[Col]) -> String {
    let source = if is_postgres(conn) {
        format!("jsonb_array_elements(${param}::jsonb)")
    } else {
        format!("json_each(${param})")
    };
    let columns: Vec<String> = cols
        .iter()
        .enumerate()
        .map(|(i, col)| match col {
            // `->>` reads an element as SQL text (or NULL); SQLite already
            // gives integers back as integers, PostgreSQL needs the cast.
            Col::Text(name) => format!("value->>{i} AS {name}"),
            Col::Int(name) => format!("CAST(value->>{i} AS BIGINT) AS {name}"),
        })
        .collect();
    format!("(SELECT {} FROM {source}) AS {alias}", columns.join(", "))
}

/// The JSON to bind for [`rows`]: a slice of tuples (or arrays), each
/// serialised as one array.
pub(crate) fn json<T: Serialize>(rows: &[T]) -> String {
    // Tuples of strings and integers always serialise.
    serde_json::to_string(rows).unwrap_or_else(|e| unreachable!("rows serialise: {e}"))
}

fn is_postgres(conn: &AnyConnection) -> bool {
    conn.backend_name().eq_ignore_ascii_case("postgresql")
}

#[cfg(test)]
mod tests {
    #[test]
    fn rows_serialise_as_arrays_with_nulls() {
        let rows = [("g", Some("u"), 1_i64), ("h", None, 2)];
        assert_eq!(super::json(&rows), r#"[["g","u",1],["h",null,2]]"#);
    }
}
