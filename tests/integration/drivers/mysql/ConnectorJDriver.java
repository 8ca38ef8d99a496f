// MariaDB Connector/J (Debian's libmariadb-java) for the MySQL driver tests
// (tests/integration/mariadb_drivers_test.cpp). Holds ONE connection with useServerPrepStmts=true
// (every PreparedStatement is COM_STMT_PREPARE'd, rows come in the binary protocol) and
// allowMultiQueries=true. Run in source-file mode:
//   java -cp /usr/share/java/mariadb-java-client.jar ConnectorJDriver.java HOST PORT USER PASSWORD DATABASE TABLE SCRIPT
// Prints "ready" once connected, then answers commands on stdin (tests/support/mysql_driver_client.h):
//   script -> the transcript of SCRIPT's steps (drivers/mysql/script.txt), then "end"
//   round  -> "ok THREAD_ID" | "error WHY"   a prepared insert, read back, in a transaction
//   begin  -> "ok" | "error WHY"             START TRANSACTION and an insert left open
//   commit -> "ok" | "error WHY"             COMMIT, and the row begin wrote is there
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

public class ConnectorJDriver {
  static final PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);

  static String value(Object v) throws Exception {
    if (v == null) return "NULL";
    if (v instanceof byte[]) {
      StringBuilder hex = new StringBuilder("x'");
      for (byte b : (byte[]) v) hex.append(String.format("%02X", b));
      return hex.append("'").toString();
    }
    String s = v instanceof BigDecimal ? ((BigDecimal) v).toPlainString() : v.toString();
    if (s.codePointCount(0, s.length()) > 64) {
      StringBuilder md5 = new StringBuilder();
      for (byte b : MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)))
        md5.append(String.format("%02x", b));
      return "len=" + s.codePointCount(0, s.length()) + " md5=" + md5;
    }
    return s.replace("\\", "\\\\").replace("\n", "\\n");
  }

  static void bind(PreparedStatement st, int index, String p) throws SQLException {
    int at = p.indexOf(':');
    String kind = at < 0 ? p : p.substring(0, at), text = at < 0 ? "" : p.substring(at + 1);
    switch (kind) {
      case "i": st.setLong(index, Long.parseLong(text)); break;
      case "f": st.setDouble(index, Double.parseDouble(text)); break;
      case "s": st.setString(index, text); break;
      case "x": {
        byte[] bytes = new byte[text.length() / 2];
        for (int i = 0; i < bytes.length; ++i) bytes[i] = (byte) Integer.parseInt(text.substring(2 * i, 2 * i + 2), 16);
        st.setBytes(index, bytes);
        break;
      }
      default: st.setNull(index, Types.NULL);
    }
  }

  static void printRows(List<String> lines, ResultSet rs) throws Exception {
    ResultSetMetaData meta = rs.getMetaData();
    List<String> names = new ArrayList<>();
    for (int c = 1; c <= meta.getColumnCount(); ++c) names.add(meta.getColumnLabel(c));
    lines.add("columns " + String.join(", ", names));
    int count = 0;
    while (rs.next()) {
      List<String> row = new ArrayList<>();
      for (int c = 1; c <= names.size(); ++c) row.add(value(rs.getObject(c)));
      lines.add("row " + String.join(" | ", row));
      ++count;
    }
    lines.add("rows " + count);
  }

  // Every result of an executed statement: result sets and update counts, in order.
  static void printResults(List<String> lines, Statement st, boolean isResultSet) throws Exception {
    while (true) {
      if (isResultSet) {
        try (ResultSet rs = st.getResultSet()) { printRows(lines, rs); }
      } else {
        int count = st.getUpdateCount();
        if (count == -1) return;
        lines.add("ok affected=" + count);
      }
      isResultSet = st.getMoreResults();
    }
  }

  static void runScript(Connection conn, String table, String path) throws Exception {
    List<String> lines = new ArrayList<>();
    for (String line : Files.readAllLines(Paths.get(path), StandardCharsets.UTF_8)) {
      if (line.isEmpty() || line.startsWith("#")) continue;
      String[] fields = line.split("\t");
      String step = fields[0], sql = fields.length > 1 ? fields[1].replace("{table}", table) : "";
      lines.add("> " + step + (fields.length > 1 ? " " + fields[1] : ""));
      try {
        if (step.equals("connection")) {
          try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT CONNECTION_ID()")) {
            rs.next();
            long id = rs.getLong(1);
            long greeting = conn.unwrap(org.mariadb.jdbc.MariaDbConnection.class).getServerThreadId();
            lines.add("thread " + id + " greeting=" + (greeting == id ? "same" : "differs"));
          }
        } else if (step.equals("execute")) {
          try (PreparedStatement st = conn.prepareStatement(sql)) {
            for (int i = 2; i < fields.length; ++i) bind(st, i - 1, fields[i]);
            printResults(lines, st, st.execute());
          }
        } else {  // query and multi: a plain Statement (COM_QUERY)
          try (Statement st = conn.createStatement()) { printResults(lines, st, st.execute(sql)); }
        }
      } catch (SQLException e) {
        lines.add("error " + e.getErrorCode() + " " + e.getSQLState() + ": " + serverMessage(e));
      }
    }
    lines.add("end");
    for (String l : lines) out.println(l);
    out.flush();
  }

  // Connector/J prefixes the server's text with "(conn=ID) " and may append the query: the
  // server's own message is what is compared.
  static String serverMessage(SQLException e) {
    String m = e.getMessage().replaceFirst("^\\(conn=\\d+\\) ", "");
    int query = m.indexOf("\nQuery is:");
    return (query < 0 ? m : m.substring(0, query)).replace("\n", "\\n");
  }

  // The pool-like session's steps, on statements prepared once.
  static final class Rounds {
    final Connection conn;
    final PreparedStatement insert, read;
    int n = 0;
    int openId = 0;  // the row begin() wrote

    Rounds(Connection conn, String scriptTable) throws SQLException {
      this.conn = conn;
      String table = scriptTable + "_pool";
      try (Statement st = conn.createStatement()) {
        st.execute("DROP TABLE IF EXISTS " + table);
        st.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, v VARCHAR(40))");
      }
      insert = conn.prepareStatement("INSERT INTO " + table + " (id, v) VALUES (?, ?)");
      read = conn.prepareStatement("SELECT v FROM " + table + " WHERE id = ?");
    }

    String readBack(int id) throws SQLException {
      read.setInt(1, id);
      try (ResultSet rs = read.executeQuery()) { return rs.next() ? rs.getString(1) : null; }
    }

    String round() throws SQLException {
      ++n;
      String want = "round " + n + " \uD83D\uDE00";
      conn.setAutoCommit(false);
      insert.setInt(1, n);
      insert.setString(2, want);
      insert.executeUpdate();
      String got = readBack(n);
      conn.commit();
      conn.setAutoCommit(true);
      if (!want.equals(got)) return "error read back " + got;
      try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT CONNECTION_ID()")) {
        rs.next();
        return "ok " + rs.getLong(1);
      }
    }

    String begin() throws SQLException {
      conn.setAutoCommit(false);
      openId = -1 - n;
      insert.setInt(1, openId);
      insert.setString(2, "open");
      insert.executeUpdate();
      return "ok";
    }

    String commit() throws SQLException {
      conn.commit();
      conn.setAutoCommit(true);
      return "open".equals(readBack(openId)) ? "ok" : "error the committed row is missing";
    }
  }

  public static void main(String[] args) throws Exception {
    String url = "jdbc:mariadb://" + args[0] + ":" + args[1] + "/" + args[4]
        + "?useServerPrepStmts=true&allowMultiQueries=true&connectTimeout=10000";
    try (Connection conn = DriverManager.getConnection(url, args[2], args[3])) {
      Rounds rounds = null;
      out.println("ready");
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null; ) {
        String command = line.trim(), answer;
        if (command.equals("script")) {
          runScript(conn, args[5], args[6]);
          continue;
        }
        try {
          if (rounds == null) rounds = new Rounds(conn, args[5]);
          switch (command) {
            case "round": answer = rounds.round(); break;
            case "begin": answer = rounds.begin(); break;
            case "commit": answer = rounds.commit(); break;
            default: answer = "error unknown command " + command;
          }
        } catch (SQLException e) {
          answer = "error " + e.getMessage().replace("\n", " ");
        }
        out.println(answer);
        out.flush();
      }
    }
  }
}
