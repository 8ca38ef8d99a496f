// A JDBC (pgjdbc) client for the prepared-statement lifecycle test (prepared_lifecycle_test.cpp):
// ONE connection held for the whole run, prepareThreshold=1 so every PreparedStatement is a named
// server-side statement from its first execution, writes sent as addBatch/executeBatch, an
// old-shaped and a new-shaped application on the same connection. Run in source-file mode:
//   java -cp /usr/share/java/postgresql.jar JdbcPrepared.java HOST PORT DBNAME USER FIRST_ID
//        OLD_INSERT OLD_UPDATE OLD_READ OLD_READ_ALL NEW_INSERT NEW_UPDATE NEW_READ NEW_READ_ALL
// Statements use $1 (row id, int) and $2 (value, text); commands on stdin as in
// tests/support/prepared_clients.h ("round", "read ID"), one answer line each on stdout.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

public class JdbcPrepared {
  // A statement held for the connection's life, with $n turned into JDBC's positional ?.
  static final class Held {
    final PreparedStatement statement;
    final List<Integer> order = new ArrayList<>();  // which $n each ? stands for

    Held(Connection conn, String sql) throws SQLException {
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < sql.length(); ++i) {
        char c = sql.charAt(i);
        if (c == '$' && i + 1 < sql.length() && Character.isDigit(sql.charAt(i + 1))) {
          order.add(sql.charAt(++i) - '0');
          out.append('?');
        } else {
          out.append(c);
        }
      }
      statement = conn.prepareStatement(out.toString());
    }

    void bind(int id, String value) throws SQLException {
      for (int p = 0; p < order.size(); ++p) {
        if (order.get(p) == 1) statement.setInt(p + 1, id);
        else statement.setString(p + 1, value);
      }
    }
  }

  static final class App {
    final Held insert, update, read, readAll;

    App(Connection conn, String[] args, int from) throws SQLException {
      insert = new Held(conn, args[from]);
      update = new Held(conn, args[from + 1]);
      read = new Held(conn, args[from + 2]);
      readAll = new Held(conn, args[from + 3]);
    }

    // The rows row `id` returns through `h`; the first column of each as text.
    static List<String> rows(Held h, int id) throws SQLException {
      h.bind(id, null);
      List<String> out = new ArrayList<>();
      try (ResultSet rs = h.statement.executeQuery()) {
        while (rs.next()) out.add(rs.getString(1) == null ? "NULL" : rs.getString(1));
      }
      return out;
    }
  }

  public static void main(String[] args) throws Exception {
    String url = "jdbc:postgresql://" + args[0] + ":" + args[1] + "/" + args[2] + "?prepareThreshold=1";
    Connection conn = DriverManager.getConnection(url, args[3], "");
    conn.setAutoCommit(false);
    int nextId = Integer.parseInt(args[4]);
    App[] apps = {new App(conn, args, 5), new App(conn, args, 9)};
    int rounds = 0;
    System.out.println("ready");
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    for (String line; (line = in.readLine()) != null; ) {
      String[] words = line.trim().split(" ");
      try {
        if (words.length == 1 && words[0].equals("round")) {
          ++rounds;
          for (App app : apps) {
            int[] ids = {nextId, nextId + 1};
            nextId += 2;
            for (int id : ids) {
              app.insert.bind(id, "r" + rounds + "-" + id);
              app.insert.statement.addBatch();
            }
            app.insert.statement.executeBatch();
            for (int id : ids) {
              app.update.bind(id, "u" + rounds + "-" + id);
              app.update.statement.addBatch();
            }
            for (int n : app.update.statement.executeBatch())
              if (n != 1) throw new SQLException("batched update counted " + n + " rows");
            for (int id : ids) {
              List<String> got = App.rows(app.read, id);
              if (!got.equals(List.of("u" + rounds + "-" + id)))
                throw new SQLException("read of " + id + " after writing it: " + got);
              if (App.rows(app.readAll, id).size() != 1) throw new SQLException("whole read of " + id + " is not one row");
            }
          }
          conn.commit();
          System.out.println("ok");
        } else if (words.length == 2 && words[0].equals("read")) {
          StringBuilder out = new StringBuilder("ok");
          for (App app : apps) {
            List<String> got = App.rows(app.read, Integer.parseInt(words[1]));
            if (got.size() != 1) throw new SQLException("read of " + words[1] + ": " + got.size() + " rows");
            out.append(' ').append(got.get(0));
          }
          conn.commit();
          System.out.println(out);
        } else {
          System.out.println("error unknown command " + line);
        }
      } catch (SQLException e) {
        System.out.println("error " + e.getSQLState() + " " + e.getMessage().replace('\n', ' '));
        try {
          conn.rollback();
        } catch (SQLException ignored) {
          // the answer above already says what went wrong
        }
      }
      System.out.flush();
    }
    conn.close();
  }
}
