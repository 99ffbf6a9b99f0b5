#include "common/text/bigram_tokenizer.h"

#include <exception>
#include <new>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/text/unicode.h"

namespace huiyin::text {
namespace {

// Walks the text once and hands each token with its byte offsets to `emit`, a callable
// int(std::string_view token, size_t start, size_t end). Stops at, and returns, the first
// non-zero result of emit (FTS5's xToken returns SQLITE_OK, which is 0, to go on).
template <typename EmitFn>
class TokenWalker {
 public:
  TokenWalker(std::string_view text, TokenizeMode mode, EmitFn& emit)
      : text_(text), mode_(mode), emit_(emit) {}

  int Run() {
    for (size_t pos = 0; pos < text_.size() && rc_ == 0;) {
      const DecodedChar decoded = DecodeUtf8(text_, pos);
      const size_t end = pos + decoded.length;
      switch (Classify(decoded.code_point)) {
        case CharClass::kCjk:
          OnCjk(pos, end);
          break;
        case CharClass::kWord:
          OnWordChar(decoded.code_point, pos, end);
          break;
        case CharClass::kSeparator:
          EndWord();
          EndRun();
          break;
      }
      pos = end;
    }
    EndWord();
    EndRun();
    // Only here is it known that no token follows the last run (see the header on query mode).
    if (rc_ == 0 && pending_.length > 0 &&
        (mode_ == TokenizeMode::kDocument || pending_.length == 1)) {
      EmitNow(Slice(pending_.start, pending_.end), pending_.start, pending_.end);
    }
    return rc_;
  }

 private:
  struct CjkRun {
    size_t start = 0;  // of the run's last character so far
    size_t end = 0;
    size_t length = 0;  // in characters
  };

  std::string_view Slice(size_t start, size_t end) const {
    return text_.substr(start, end - start);
  }

  void OnCjk(size_t start, size_t end) {
    EndWord();
    if (run_.length > 0) {
      Emit(Slice(run_.start, end), run_.start, end);
    }
    run_ = {start, end, run_.length + 1};
  }

  void OnWordChar(char32_t c, size_t start, size_t end) {
    EndRun();
    if (word_.empty()) {
      word_start_ = start;
    }
    AppendUtf8(ToLowerSimple(c), &word_);
    word_end_ = end;
  }

  void EndWord() {
    if (word_.empty()) {
      return;
    }
    Emit(word_, word_start_, word_end_);
    word_.clear();
  }

  // The run's trailing unigram waits until the next token shows that the run was not the last.
  void EndRun() {
    if (run_.length == 0) {
      return;
    }
    FlushPending();  // a one-character run emits nothing before it ends, yet follows this one
    pending_ = std::exchange(run_, CjkRun{});
  }

  void Emit(std::string_view token, size_t start, size_t end) {
    FlushPending();
    EmitNow(token, start, end);
  }

  void FlushPending() {
    if (pending_.length == 0) {
      return;
    }
    const CjkRun unigram = std::exchange(pending_, CjkRun{});
    EmitNow(Slice(unigram.start, unigram.end), unigram.start, unigram.end);
  }

  void EmitNow(std::string_view token, size_t start, size_t end) {
    if (rc_ == 0) {
      rc_ = emit_(token, start, end);
    }
  }

  const std::string_view text_;
  const TokenizeMode mode_;
  EmitFn& emit_;
  int rc_ = 0;
  CjkRun run_;
  CjkRun pending_;
  std::string word_;  // lower-cased, so not a slice of text_
  size_t word_start_ = 0;
  size_t word_end_ = 0;
};

template <typename EmitFn>
int ForEachToken(std::string_view text, TokenizeMode mode, EmitFn emit) {
  return TokenWalker<EmitFn>(text, mode, emit).Run();
}

int Fts5Create(void* /*context*/, const char** /*args*/, int arg_count, Fts5Tokenizer** out) {
  if (arg_count != 0) {
    return SQLITE_ERROR;
  }
  static char stateless;  // FTS5 wants a non-null handle; the tokenizer keeps no state
  *out = reinterpret_cast<Fts5Tokenizer*>(&stateless);
  return SQLITE_OK;
}

void Fts5Delete(Fts5Tokenizer* /*tokenizer*/) {}

int Fts5Tokenize(Fts5Tokenizer* /*tokenizer*/, void* context, int flags, const char* text,
                 int text_bytes, int (*x_token)(void*, int, const char*, int, int, int)) {
  if (text == nullptr || text_bytes <= 0) {
    return SQLITE_OK;
  }
  // FTS5_TOKENIZE_AUX (highlight, snippet) wants the document's tokens and offsets.
  const TokenizeMode mode =
      (flags & FTS5_TOKENIZE_QUERY) ? TokenizeMode::kQuery : TokenizeMode::kDocument;
  // No exception may unwind through SQLite's C frames.
  try {
    return ForEachToken(std::string_view(text, static_cast<size_t>(text_bytes)), mode,
                        [&](std::string_view token, size_t start, size_t end) {
                          return x_token(context, 0, token.data(), static_cast<int>(token.size()),
                                         static_cast<int>(start), static_cast<int>(end));
                        });
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  } catch (...) {
    return SQLITE_ERROR;
  }
}

absl::StatusOr<fts5_api*> GetFts5Api(sqlite3* db) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, nullptr) != SQLITE_OK) {
    return absl::FailedPreconditionError(absl::StrCat("SQLite has no FTS5: ", sqlite3_errmsg(db)));
  }
  fts5_api* api = nullptr;
  sqlite3_bind_pointer(stmt, 1, &api, "fts5_api_ptr", nullptr);
  sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  if (api == nullptr) {
    return absl::FailedPreconditionError("SQLite gave no fts5_api pointer");
  }
  return api;
}

}  // namespace

std::vector<std::string> BigramTokens(std::string_view normalized, TokenizeMode mode) {
  std::vector<std::string> tokens;
  ForEachToken(normalized, mode, [&](std::string_view token, size_t, size_t) {
    tokens.emplace_back(token);
    return 0;
  });
  return tokens;
}

absl::Status RegisterBigramTokenizer(sqlite3* db) {
  if (db == nullptr) {
    return absl::InvalidArgumentError("no SQLite connection");
  }
  absl::StatusOr<fts5_api*> api = GetFts5Api(db);
  if (!api.ok()) {
    return api.status();
  }
  fts5_tokenizer tokenizer = {Fts5Create, Fts5Delete, Fts5Tokenize};  // FTS5 keeps a copy
  const int rc = (*api)->xCreateTokenizer(*api, kBigramTokenizerName, nullptr, &tokenizer, nullptr);
  if (rc != SQLITE_OK) {
    return absl::InternalError(absl::StrCat("cannot register FTS5 tokenizer ", kBigramTokenizerName,
                                            ": ", sqlite3_errstr(rc)));
  }
  return absl::OkStatus();
}

}  // namespace huiyin::text
