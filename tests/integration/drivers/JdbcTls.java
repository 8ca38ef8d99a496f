// A JDBC (pgjdbc) login over TLS for tls_scram_test.cpp: connects with sslmode=require and a
// password, and prints the answer of one query (its first column of its first row). Run in
// source-file mode:
//   java -cp /usr/share/java/postgresql.jar JdbcTls.java HOST PORT DBNAME USER PASSWORD SQL
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;

public class JdbcTls {
  public static void main(String[] args) throws Exception {
    Properties p = new Properties();
    p.setProperty("user", args[3]);
    p.setProperty("password", args[4]);
    p.setProperty("sslmode", "require");
    String url = "jdbc:postgresql://" + args[0] + ":" + args[1] + "/" + args[2];
    try (Connection c = DriverManager.getConnection(url, p);
         Statement s = c.createStatement();
         ResultSet r = s.executeQuery(args[5])) {
      r.next();
      System.out.println(r.getString(1));
    }
  }
}
