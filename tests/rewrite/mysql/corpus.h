// The MySQL statement corpus (tests/rewrite/mysql/corpus/*.sql): one statement per line, `--`
// lines and blank lines skipped. Shared by the unit round-trip test, the integration suite
// MariaDbParserCorpus and the benchmark.
#pragma once

#include <fstream>
#include <string>
#include <vector>

namespace switchyard::rewrite::mysql::testing {

struct CorpusStatement {
  std::string file;  // e.g. "django.sql"
  int line = 0;
  std::string sql;
};

inline const char* const kCorpusFiles[] = {"sysbench.sql", "django.sql",  "sqlalchemy.sql",
                                           "activerecord.sql", "seeds.sql", "forms.sql"};

// REQUIRES: `dir` is tests/rewrite/mysql/corpus. Empty when no file could be read.
inline std::vector<CorpusStatement> read_corpus(const std::string& dir) {
  std::vector<CorpusStatement> out;
  for (const char* file : kCorpusFiles) {
    std::ifstream in(dir + "/" + file);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      if (line.empty() || line.rfind("--", 0) == 0) continue;
      out.push_back({file, n, line});
    }
  }
  return out;
}

}  // namespace switchyard::rewrite::mysql::testing
