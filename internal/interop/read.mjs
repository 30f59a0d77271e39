// read.mjs — read dcsim result files with readers that share no code with dcsim's Go writer,
// and print what they see as JSON on stdout.
//
//   node internal/interop/read.mjs DIR [TABLE ...]
//
// DIR holds jobs.arrow, hosts.arrow and summary.arrow, which are read by default; TABLE names
// the tables to read instead (also services, links, storage, provisioning). Each file
// is read twice: with nodejs-polars (pl.readIPC, the Rust polars engine) and with apache-arrow
// (the JavaScript Arrow implementation). Exit status: 0 on success, 1 when a file cannot be
// read, 2 on bad usage. Set up once with `npm ci --prefix internal/interop`.
//
// Output (per reader, per table): rows, columns, dtypes, null_counts, first_row, sums (numeric
// and boolean columns); apache-arrow adds batches, nullable, schema_metadata and
// field_metadata. Integers beyond 2^53 (e.g. the uint64 seed) are printed as strings.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import pl from "nodejs-polars";
import { describeFrame, plain, plainObject, version } from "./common.mjs";
import { tableFromIPC } from "apache-arrow";


const ALL = ["jobs", "hosts", "summary"]; // the default
const KNOWN = [...ALL, "services", "links", "storage", "provisioning"];

function usage(msg) {
  process.stderr.write(`read.mjs: ${msg}\nusage: node read.mjs DIR [${KNOWN.join("|")} ...]\n`);
  process.exit(2);
}



function readPolars(path) {
  // pl.readIPC treats a string as a path only when it ends in ".ipc"; pass the bytes instead.
  return describeFrame(pl, pl.readIPC(readFileSync(path)));
}

function readArrow(path) {
  const t = tableFromIPC(readFileSync(path));
  const fields = t.schema.fields;
  const out = {
    rows: t.numRows,
    batches: t.batches.length,
    columns: fields.map((f) => f.name),
    dtypes: fields.map((f) => String(f.type)),
    nullable: fields.map((f) => f.nullable),
    schema_metadata: Object.fromEntries(t.schema.metadata),
    field_metadata: Object.fromEntries(fields.map((f) => [f.name, Object.fromEntries(f.metadata)])),
    null_counts: {},
    first_row: t.numRows > 0 ? plainObject(t.get(0).toJSON()) : null,
    sums: {},
  };
  for (const f of fields) {
    const col = t.getChild(f.name);
    out.null_counts[f.name] = col.nullCount;
    const type = String(f.type);
    if (/^(Int|Uint|Float)\d+$/.test(type) || type === "Bool") {
      let sum = 0;
      let big = 0n;
      for (const v of col) {
        if (v == null) continue;
        if (typeof v === "bigint") big += v;
        else sum += Number(v);
      }
      out.sums[f.name] = big !== 0n ? plain(big + BigInt(Math.trunc(sum))) : sum;
    }
  }
  return out;
}

const [dir, ...args] = process.argv.slice(2);
if (!dir) usage("missing DIR");
const tables = args.length > 0 ? args : ALL;
for (const t of tables) if (!KNOWN.includes(t)) usage(`unknown table ${t}`);

const result = {
  dir,
  readers: { "nodejs-polars": version("nodejs-polars"), "apache-arrow": version("apache-arrow") },
  polars: {},
  arrow: {},
};
try {
  for (const t of tables) {
    const path = join(dir, `${t}.arrow`);
    result.polars[t] = readPolars(path);
    result.arrow[t] = readArrow(path);
  }
} catch (e) {
  process.stderr.write(`read.mjs: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
}
process.stdout.write(JSON.stringify(result, null, 1) + "\n");
