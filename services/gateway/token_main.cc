// huiyin-token: issues a bearer token for local use and the demo.
//
//   huiyin-token --secret-file=var/jwt_secret --sub=persons/office-1
//                --role=ROLE_CONGRESS_OFFICE [--unit=units/u-1] [--name=李主任] [--ttl-hours=8]
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "services/gateway/auth.h"

int main(int argc, char** argv) {
  std::map<std::string, std::string> flags;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto eq = arg.find('=');
    if (arg.rfind("--", 0) != 0 || eq == std::string::npos) {
      std::cerr << "usage: huiyin-token --secret-file=FILE --sub=persons/ID --role=ROLE_NAME "
                   "[--unit=units/ID] [--name=NAME] [--ttl-hours=8] [--issuer=ISS]\n";
      return 2;
    }
    flags[arg.substr(2, eq - 2)] = arg.substr(eq + 1);
  }
  std::ifstream in(flags["secret-file"]);
  std::stringstream secret;
  secret << in.rdbuf();
  huiyin::gateway::TokenClaims claims;
  claims.subject = flags["sub"];
  claims.unit = flags["unit"];
  claims.name = flags["name"];
  claims.issuer = flags["issuer"];
  if (!in || claims.subject.empty() ||
      !huiyin::common::v1::Role_Parse(flags["role"], &claims.role)) {
    std::cerr << "huiyin-token: need a readable --secret-file, --sub and a --role such as "
                 "ROLE_CONGRESS_OFFICE\n";
    return 2;
  }
  int hours = 8;
  if (flags.count("ttl-hours") && !absl::SimpleAtoi(flags["ttl-hours"], &hours)) hours = 8;
  auto token = huiyin::gateway::IssueHs256Token(
      claims, std::string(absl::StripAsciiWhitespace(secret.str())), absl::Now(),
      absl::Hours(hours));
  if (!token.ok()) {
    std::cerr << "huiyin-token: " << token.status().message() << "\n";
    return 1;
  }
  std::cout << *token << "\n";
  return 0;
}
