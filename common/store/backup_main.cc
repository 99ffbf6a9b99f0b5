// huiyin-backup: an online, consistent backup of one service's SQLite store
// (common/store/backup.h), taken while the service runs. deploy/local/backup.sh backs up every
// store with it.
//
//   huiyin-backup --database=var/intake.db --to=backup/20261123T1200/intake.db
//
// Prints one JSON line (database, to, pages, bytes, schema_version); exits 1 if the copy failed
// (the previous file at --to, if any, is left as it was), 2 on a usage error.
#include <iostream>
#include <map>
#include <string>

#include "common/store/backup.h"
#include "nlohmann/json.hpp"

int main(int argc, char** argv) {
  std::map<std::string, std::string> flags;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto eq = arg.find('=');
    if (arg.rfind("--", 0) != 0 || eq == std::string::npos) {
      flags.clear();
      break;
    }
    flags[arg.substr(2, eq - 2)] = arg.substr(eq + 1);
  }
  if (flags.size() != 2 || flags["database"].empty() || flags["to"].empty()) {
    std::cerr << "usage: huiyin-backup --database=SERVICE.db --to=BACKUP.db\n";
    return 2;
  }
  auto result = huiyin::BackupDatabase(flags["database"], flags["to"]);
  if (!result.ok()) {
    std::cerr << "huiyin-backup: " << result.status().message() << "\n";
    return 1;
  }
  std::cout << nlohmann::json{{"database", flags["database"]},
                              {"to", flags["to"]},
                              {"pages", result->pages},
                              {"bytes", result->bytes},
                              {"schema_version", result->schema_version}}
                   .dump()
            << "\n";
  return 0;
}
