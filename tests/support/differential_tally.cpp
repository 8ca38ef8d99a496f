// Counting and judging the differential test's outcomes (see differential_tally.h).
#include "tests/support/differential_tally.h"

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "tests/support/differential_corpus.h"

namespace switchyard::test_support::differential {
namespace {

constexpr char kRefusalMark[] = "error 0A000: switchyard: ";

// `view` without the "at N" line of its error's position.
std::string without_position(std::string view) {
  const size_t at = view.find("\nat ");
  if (at == std::string::npos) return view;
  const size_t end = view.find('\n', at + 1);
  view.erase(at, end == std::string::npos ? std::string::npos : end - at);
  return view;
}

bool is_error(const std::string& view) { return view.find("error ") != std::string::npos; }

// "migration NAME: REASON" -> "REASON", as far as its first line.
std::string refusal_reason(const std::string& view) {
  std::string text = view.substr(view.find(kRefusalMark) + sizeof kRefusalMark - 1);
  if (text.starts_with("migration ")) text = text.substr(text.find(": ") == std::string::npos ? 0 : text.find(": ") + 2);
  return text.substr(0, text.find('\n'));
}

}  // namespace

const std::string* Tally::lookup(const std::map<std::string, std::string>& list, const std::string& name) const {
  const std::string bare = name.substr(0, name.find(" ("));  // without " (simple)", " (extended)"
  const std::string protocol = name.size() > bare.size() ? name.substr(bare.size()) : "";
  const std::string of_template = bare.substr(0, bare.find_first_of("/:"));
  // A key may also name a template in one protocol: "copy_from_stdin (extended)".
  for (const std::string& key : {bare, of_template, of_template + protocol})
    if (auto it = list.find(key); it != list.end()) return &it->second;
  return nullptr;
}

std::string Tally::tolerated(const std::string& name, const std::string& failure) {
  const std::string* gap = lookup(expected_.known_gaps, name);
  const std::string* finding = gap ? nullptr : lookup(expected_.open_findings, name);
  if (!gap && !finding) return failure;
  ++(gap ? known_gaps_ : open_findings_);
  // SWITCHYARD_DIFFERENTIAL_VERBOSE=1 shows what the lists let pass, to review them.
  if (const char* verbose = std::getenv("SWITCHYARD_DIFFERENTIAL_VERBOSE"); verbose && *verbose == '1')
    std::fprintf(stderr, "[tolerated: %s] %s\n", (gap ? *gap : *finding).c_str(), failure.c_str());
  return "";
}

std::string Tally::statement(const std::string& name, const std::string& sql, const std::string& through_proxy,
                             const std::string& direct) {
  ++statements_;
  shapes_.insert(shape_of(sql));
  const bool write = writes_migrated_table(sql);
  writes_ += write;
  // An error position switchyard cannot map back to the client's text is dropped, not guessed
  // (docs/migrations.md, "Error positions"): the same answer without its "at N" line.
  const std::string direct_seen = through_proxy == without_position(direct) ? through_proxy : direct;
  if (through_proxy == direct_seen) {
    ++(write ? rewritten_ : passed_);
    return "";
  }
  differed_cases_.insert(name);
  if (lookup(expected_.reference_limits, name)) return ++reference_limits_, "";  // not switchyard's difference
  const std::string what = "  statement: " + sql + "\n  direct:\n" + direct + "  through switchyard:\n" + through_proxy;
  if (through_proxy.find(kRefusalMark) != std::string::npos && !is_error(direct)) {
    ++refused_by_reason_[refusal_reason(through_proxy)];
    refused_cases_.insert(name);
    if (lookup(expected_.refusals, name)) return "";
    return tolerated(name, name + ": refused, and not a documented refusal of this test's list\n" + what);
  }
  if (is_error(through_proxy) && !is_error(direct)) {
    ++proxy_only_;
    return tolerated(name, name + ": fails through switchyard only\n" + what);
  }
  ++visible_;
  return tolerated(name, name + ": the client sees something else through switchyard\n" + what);
}

std::string Tally::tables(const std::string& name, const std::string& through_proxy, const std::string& direct) {
  if (through_proxy == direct || differed_cases_.contains(name)) return "";  // a statement told already
  if (lookup(expected_.reference_limits, name)) return ++reference_limits_, "";
  ++silent_;
  std::string lines;
  std::istringstream want(direct), got(through_proxy);
  for (std::string w, g; std::getline(want, w) && std::getline(got, g);)
    if (w != g) lines += "  direct (triggers): " + w + "\n  through switchyard: " + g + "\n";
  return tolerated(name, name + ": the tables differ afterwards\n" + lines);
}

std::string Tally::summary() const {
  std::string reasons;
  int refused = 0;
  for (const auto& [reason, n] : refused_by_reason_) {
    reasons += (reasons.empty() ? "" : "; ") + reason + ": " + std::to_string(n);
    refused += n;
  }
  char percent[32];
  std::snprintf(percent, sizeof percent, "%.1f%%", writes_ ? 100.0 * rewritten_ / writes_ : 0.0);
  return "statements " + std::to_string(statements_) + ", shapes " + std::to_string(shapes_.size()) + ", writes " +
         std::to_string(writes_) + ": rewritten " + std::to_string(rewritten_) + " (" + percent + "), refused " +
         std::to_string(refused) + " (" + reasons + "), passed " + std::to_string(passed_) + ", silent divergences " +
         std::to_string(silent_) + ", visible divergences " + std::to_string(visible_) + ", proxy-only failures " +
         std::to_string(proxy_only_) + "; of these listed as known gaps " + std::to_string(known_gaps_) + ", open findings " +
         std::to_string(open_findings_) + "; reference limits " + std::to_string(reference_limits_);
}

void Tally::add(const Tally& o) {
  shapes_.insert(o.shapes_.begin(), o.shapes_.end());
  for (const auto& [reason, n] : o.refused_by_reason_) refused_by_reason_[reason] += n;
  statements_ += o.statements_;
  writes_ += o.writes_;
  rewritten_ += o.rewritten_;
  passed_ += o.passed_;
  silent_ += o.silent_;
  visible_ += o.visible_;
  proxy_only_ += o.proxy_only_;
  known_gaps_ += o.known_gaps_;
  reference_limits_ += o.reference_limits_;
  open_findings_ += o.open_findings_;
}

}  // namespace switchyard::test_support::differential
