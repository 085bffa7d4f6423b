// `autograph decode`, run as a process: output against the cantools reference, formats,
// selection, value tables, and the error exits.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string quote(const std::string& arg) { return "'" + arg + "'"; }

// Runs the built `autograph` with `args` (each quoted), capturing stdout and stderr.
RunResult run_autograph(const std::vector<std::string>& args) {
  const fs::path err_path = fs::path(testing::TempDir()) / "decode_command_stderr.txt";
  std::string command = quote(AUTOGRAPH_CLI_PATH);
  for (const std::string& arg : args) {
    command += " " + quote(arg);
  }
  command += " 2>" + quote(err_path.string());
  RunResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "cannot run " << command;
    return result;
  }
  char buffer[1 << 16];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) {
    result.out.append(buffer, n);
  }
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err(err_path);
  result.err.assign(std::istreambuf_iterator<char>(err), std::istreambuf_iterator<char>());
  return result;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> file_lines(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return split_lines(text.str());
}

fs::path write_file(const std::string& name, const std::string& text) {
  const fs::path path = fs::path(testing::TempDir()) / name;
  std::ofstream(path) << text;
  return path;
}

const fs::path kKona = fs::path(AUTOGRAPH_TEST_DATA_DIR) / "hyundai-kona-ev";

std::vector<std::string> kona_args() {
  return {"decode",
          "--dbc",
          (kKona / "vehicle.dbc").string(),
          "--dbc",
          "can1=" + (kKona / "ccan.dbc").string(),
          "--log",
          (kKona / "capture.log").string()};
}

// Same token kind (integer or float) and the same number.
bool same_value(const nlohmann::json& got, const nlohmann::json& want) {
  if (want.is_number_float()) {
    return got.is_number_float() && got.get<double>() == want.get<double>();
  }
  return got.is_number_integer() && got == want;
}

TEST(DecodeCommand, PrintsWhatCantoolsDecodesForEveryKonaFrame) {
  const RunResult run = run_autograph(kona_args());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::vector<std::string> got = split_lines(run.out);
  const std::vector<std::string> want = file_lines(kKona / "expected-cantools.jsonl");
  const std::vector<std::string> log = file_lines(kKona / "capture.log");
  ASSERT_EQ(got.size(), want.size());
  ASSERT_EQ(got.size(), log.size());
  size_t mismatches = 0;
  for (size_t i = 0; i < got.size() && mismatches < 10; ++i) {
    const auto mine = nlohmann::json::parse(got[i]);
    const auto reference = nlohmann::json::parse(want[i]);
    // "(1953.613500) can0 109#..." -> the same time text, bus and identifier.
    const std::string& line = log[i];
    const std::string stamp = line.substr(1, line.find(')') - 1);
    const std::string bus = line.substr(line.find(' ') + 1, line.rfind(' ') - line.find(' ') - 1);
    const std::string id = line.substr(line.rfind(' ') + 1, line.find('#') - line.rfind(' ') - 1);
    bool same =
        got[i].rfind("{\"t\":" + stamp + ",", 0) == 0 && mine["bus"] == bus &&
        std::stoul(mine["id"].get<std::string>(), nullptr, 16) == std::stoul(id, nullptr, 16);
    const auto& signals = mine["signals"];
    const auto& expected = reference["signals"];
    same = same && signals.is_null() == expected.is_null() && signals.size() == expected.size();
    for (auto it = expected.begin(); same && !expected.is_null() && it != expected.end(); ++it) {
      same = signals.contains(it.key()) && same_value(signals[it.key()], it.value());
    }
    if (!same) {
      ++mismatches;
      ADD_FAILURE() << "line " << i + 1 << ": " << got[i] << "\nreference: " << want[i];
    }
  }
  EXPECT_EQ(mismatches, 0u);
}

TEST(DecodeCommand, WritesOneCsvRowPerValue) {
  std::vector<std::string> args = kona_args();
  args.insert(args.end(), {"--format", "csv"});
  const RunResult run = run_autograph(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::vector<std::string> rows = split_lines(run.out);
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0], "t,bus,id,signal,value");
  EXPECT_EQ(rows.size(), 1u + 229981u);  // GOLDEN.md: the Kona capture's signal values
  EXPECT_EQ(rows[1].rfind("1953.613500,can0,0x109,", 0), 0u) << rows[1];
}

TEST(DecodeCommand, DecodesOnlySelectedSignalsAndNamesValueTableEntries) {
  std::vector<std::string> args = kona_args();
  args.insert(args.end(), {"--signals", "CURRENT_GEAR,Counter", "--choices"});
  const RunResult run = run_autograph(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  size_t gears = 0;
  for (const std::string& line : split_lines(run.out)) {
    const auto object = nlohmann::json::parse(line);
    if (object["signals"].is_null()) {
      continue;
    }
    for (const auto& [name, value] : object["signals"].items()) {
      EXPECT_TRUE(name == "CURRENT_GEAR" || name == "Counter") << line;
      if (name == "CURRENT_GEAR") {
        ++gears;
        EXPECT_TRUE(value == "P" || value == "D" || value == "N" || value == "R") << line;
      }
    }
  }
  EXPECT_GT(gears, 0u);
  args.back() = "--signals";
  args.push_back("NoSuchSignal");
  EXPECT_EQ(run_autograph(args).exit_code, 1);
}

TEST(DecodeCommand, FailsNamingTheLineOfABadDbc) {
  const fs::path dbc = write_file(
      "bad.dbc", "VERSION \"\"\n\nBO_ 100 Broken: 8 ECU\n SG_ x : 0|8@1+ (1,0 [0|1] \"\" ECU\n");
  const RunResult run =
      run_autograph({"decode", "--dbc", dbc.string(), "--log", (kKona / "capture.log").string()});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("bad.dbc:4:"), std::string::npos) << run.err;
  EXPECT_TRUE(run.out.empty());
}

TEST(DecodeCommand, FailsNamingTheLineOfABadLogLine) {
  const fs::path log =
      write_file("bad.log", "(1.000000) can0 109#000100FFFFFF0F3D\n(1.000100) can0 109#0001X\n");
  const RunResult run =
      run_autograph({"decode", "--dbc", (kKona / "vehicle.dbc").string(), "--log", log.string()});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("bad.log:2:"), std::string::npos) << run.err;
  EXPECT_EQ(split_lines(run.out).size(), 1u);  // the good line before it
}

TEST(DecodeCommand, FailsForAMissingLog) {
  const RunResult run = run_autograph({"decode", "--dbc", (kKona / "vehicle.dbc").string(), "--log",
                                       (fs::path(testing::TempDir()) / "absent.log").string()});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("absent.log"), std::string::npos) << run.err;
}

}  // namespace
