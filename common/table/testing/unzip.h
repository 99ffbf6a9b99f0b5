// For tests of workbooks: one member of a zip archive as Debian's `unzip -p` prints it (an
// independent reader, not our writer's library); fails the test when unzip cannot read it.
//
//   EXPECT_NE(Unzip(*xlsx, "xl/sharedStrings.xml").find("办复率"), std::string::npos);
#pragma once

#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace huiyin::testing {

inline std::string Unzip(const std::string& archive, const std::string& member) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("huiyin-unzip-" + std::to_string(::getpid()) + ".zip"))
                               .string();
  std::ofstream(path, std::ios::binary) << archive;
  FILE* pipe = ::popen(("unzip -p '" + path + "' '" + member + "' 2>&1").c_str(), "r");
  EXPECT_NE(pipe, nullptr);
  std::string out;
  char buffer[4096];
  size_t n;
  while (pipe != nullptr && (n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  const int status = pipe == nullptr ? -1 : ::pclose(pipe);
  std::filesystem::remove(path);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "unzip " << member << ": " << out;
  return out;
}

}  // namespace huiyin::testing
