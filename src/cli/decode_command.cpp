// `autograph decode`: decodes a candump log with DBC files, one output record per frame line
// (jsonl) or per value (csv). It runs the same compiled Decoder as the daemon.
#include <fmt/format.h>

#include <cstdio>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "autograph/can/candump_reader.hpp"
#include "autograph/can/dbc_parser.hpp"
#include "autograph/can/decoder.hpp"
#include "cli/commands.hpp"
#include "cli/sample_text.hpp"

namespace autograph::cli {
namespace {

struct DecodeOptions {
  std::vector<std::string> dbc;  // "[BUS=]FILE"
  std::string log;
  std::string format = "jsonl";
  std::vector<std::string> signals;
  bool choices = false;
};

// The DBCs by bus: `common` applies to every bus, `named` to one interface each.
class BusDatabases {
 public:
  [[nodiscard]] Result<void> load(const std::vector<std::string>& specs) {
    for (const std::string& spec : specs) {
      const size_t eq = spec.find('=');
      std::optional<std::string> bus;
      std::string path = spec;
      if (eq != std::string::npos && can::BusTable::valid_name(spec.substr(0, eq)) &&
          spec.substr(0, eq).find_first_of("/.") == std::string::npos) {
        bus = spec.substr(0, eq);
        path = spec.substr(eq + 1);
      }
      auto db = can::load_dbc_file(path);
      if (!db) {
        return tl::unexpected(db.error());
      }
      if (bus && named_.count(*bus) == 0) {
        named_order_.push_back(*bus);
      }
      can::Database& into = bus ? named_[*bus] : common_;
      if (auto merged = can::merge_into(into, std::move(*db)); !merged) {
        return tl::unexpected(merged.error());
      }
    }
    return {};
  }

  // Interfaces with their own DBCs, in the order first named: they get the first bus indices.
  const std::vector<std::string>& named_buses() const { return named_order_; }

  // The merged database of interface `name`.
  [[nodiscard]] Result<can::Database> for_bus(const std::string& name) const {
    can::Database db = common_;
    const auto it = named_.find(name);
    if (it != named_.end()) {
      can::Database own = it->second;
      if (auto merged = can::merge_into(db, std::move(own)); !merged) {
        return tl::unexpected(merged.error().with_context(fmt::format("bus {}", name)));
      }
    }
    return db;
  }

 private:
  can::Database common_;
  std::map<std::string, can::Database> named_;
  std::vector<std::string> named_order_;
};

// Compiles a decoder for `interfaces` (by bus index); an extra bus with only the common DBCs
// stands for interfaces not seen yet, so a selection is checked against them too.
Result<can::Decoder> compile_for(const BusDatabases& dbs,
                                 const std::vector<std::string>& interfaces,
                                 const can::SignalSelection& selection) {
  std::vector<can::Database> buses;
  for (const std::string& name : interfaces) {
    auto db = dbs.for_bus(name);
    if (!db) {
      return tl::unexpected(db.error());
    }
    buses.push_back(std::move(*db));
  }
  auto other = dbs.for_bus("");
  if (!other) {
    return tl::unexpected(other.error());
  }
  buses.push_back(std::move(*other));
  return can::Decoder::compile(buses, selection);
}

class OutputWriter {
 public:
  OutputWriter(bool csv, bool choices) : csv_(csv), choices_(choices) {
    if (csv_) {
      out_ += "t,bus,id,signal,value\n";
    }
  }

  void frame(const can::CanFrame& frame, const std::string& bus, bool known,
             std::span<const can::Sample> samples, const can::Decoder& decoder) {
    prefix_.clear();
    append_time(prefix_, frame.t_ns);
    if (csv_) {
      prefix_ += ',';
      append_csv_field(prefix_, bus);
      prefix_ += ',';
      append_id(prefix_, frame);
      prefix_ += ',';
      for (const can::Sample& sample : samples) {
        out_ += prefix_;
        append_csv_field(out_, decoder.signals()[sample.signal].name);
        out_ += ',';
        append_value(sample, decoder);
        out_ += '\n';
      }
      return;
    }
    out_ += "{\"t\":";
    out_ += prefix_;
    out_ += ",\"bus\":";
    append_json_string(out_, bus);
    out_ += ",\"id\":\"";
    append_id(out_, frame);
    out_ += "\",\"signals\":";
    if (!known) {
      out_ += "null}\n";
      return;
    }
    out_ += '{';
    for (size_t i = 0; i < samples.size(); ++i) {
      if (i != 0) {
        out_ += ',';
      }
      append_json_string(out_, decoder.signals()[samples[i].signal].name);
      out_ += ':';
      append_value(samples[i], decoder);
    }
    out_ += "}}\n";
  }

  // Writes what is buffered once it is large, or always with `force`. Returns false when
  // stdout fails.
  bool flush(bool force) {
    if (!force && out_.size() < (size_t{1} << 16)) {
      return true;
    }
    const bool ok = std::fwrite(out_.data(), 1, out_.size(), stdout) == out_.size();
    out_.clear();
    return ok && (!force || std::fflush(stdout) == 0);
  }

 private:
  // Seconds as the log writes them: 6 decimals, or 9 when the time has sub-microsecond digits.
  static void append_time(std::string& out, uint64_t t_ns) {
    const uint64_t seconds = t_ns / 1000000000u;
    const uint64_t fraction = t_ns % 1000000000u;
    if (fraction % 1000u == 0) {
      fmt::format_to(std::back_inserter(out), "{}.{:06}", seconds, fraction / 1000u);
    } else {
      fmt::format_to(std::back_inserter(out), "{}.{:09}", seconds, fraction);
    }
  }

  // Identifiers as candump writes them: 3 hex digits standard, 8 extended.
  static void append_id(std::string& out, const can::CanFrame& frame) {
    if (frame.extended()) {
      fmt::format_to(std::back_inserter(out), "0x{:08X}", frame.raw_id());
    } else {
      fmt::format_to(std::back_inserter(out), "0x{:03X}", frame.raw_id());
    }
  }

  void append_value(const can::Sample& sample, const can::Decoder& decoder) {
    const std::string* choice =
        choices_ ? choice_of(decoder.signals()[sample.signal], sample) : nullptr;
    if (choice == nullptr) {
      append_sample_value(out_, sample);
    } else if (csv_) {
      append_csv_field(out_, *choice);
    } else {
      append_json_string(out_, *choice);
    }
  }

  bool csv_;
  bool choices_;
  std::string out_;     // output not yet written
  std::string prefix_;  // per frame: the time (jsonl) or "t,bus,id," (csv)
};

int fail_with(const Error& error) {
  std::fprintf(stderr, "autograph decode: %s\n", error.message().c_str());
  return kExitFailure;
}

int run_decode(const DecodeOptions& options) {
  BusDatabases dbs;
  if (auto loaded = dbs.load(options.dbc); !loaded) {
    return fail_with(loaded.error());
  }
  can::SignalSelection selection;
  selection.names = options.signals;
  auto reader = can::CandumpReader::open(options.log, can::BusTable(dbs.named_buses()));
  if (!reader) {
    return fail_with(reader.error());
  }
  auto decoder = compile_for(dbs, reader->interfaces(), selection);
  if (!decoder) {
    return fail_with(decoder.error());
  }
  OutputWriter writer(options.format == "csv", options.choices);
  std::vector<can::Sample> samples(decoder->max_samples_per_frame());
  can::CanFrame frame;
  for (;;) {
    auto more = reader->next(frame);
    if (!more) {
      (void)writer.flush(true);
      return fail_with(more.error());
    }
    if (!*more) {
      break;
    }
    if (frame.bus + size_t{1} >= decoder->bus_count()) {
      // A new interface: the spare last bus already has the common DBCs, but recompile so
      // that the one after it has them too (once per interface, cold).
      decoder = compile_for(dbs, reader->interfaces(), selection);
      if (!decoder) {
        return fail_with(decoder.error());
      }
      samples.resize(decoder->max_samples_per_frame());
    }
    const size_t count = decoder->decode(frame, samples);
    writer.frame(frame, reader->interfaces()[frame.bus], decoder->knows(frame.bus, frame.id),
                 std::span<const can::Sample>(samples.data(), count), *decoder);
    if (!writer.flush(false)) {
      return fail_with(Error(ErrorCode::kUnavailable, "cannot write to standard output"));
    }
  }
  if (!writer.flush(true)) {
    return fail_with(Error(ErrorCode::kUnavailable, "cannot write to standard output"));
  }
  return kExitOk;
}

}  // namespace

void add_decode_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<DecodeOptions>();
  CLI::App* command =
      app.add_subcommand("decode", "Decode a candump log with DBC files (jsonl or csv)");
  command
      ->add_option("--dbc", options->dbc,
                   "DBC file for every bus, or BUS=FILE for one interface; several merge")
      ->required();
  command->add_option("--log", options->log, "candump log (candump -l format)")->required();
  command->add_option("--format", options->format, "jsonl (one object per frame) or csv")
      ->check(CLI::IsMember({"jsonl", "csv"}));
  command->add_option("--signals", options->signals, "only these signal names")->delimiter(',');
  command->add_flag("--choices", options->choices, "print value-table entries as strings");
  command->callback([options, &exit_code] { exit_code = run_decode(*options); });
}

}  // namespace autograph::cli
