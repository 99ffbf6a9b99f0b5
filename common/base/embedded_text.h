// Text files compiled into a binary by the CMake helper `huiyin_embed_text`: SQL migrations,
// calendar data. A binary never has to find its data files at run time.
#pragma once

#include <string_view>
#include <vector>

namespace huiyin {

struct EmbeddedText {
  std::string_view file_name;  // base name, e.g. "001_items.sql"
  std::string_view content;
};

using EmbeddedTextList = std::vector<EmbeddedText>;

}  // namespace huiyin
