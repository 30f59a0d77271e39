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
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pl from "nodejs-polars";
import { tableFromIPC } from "apache-arrow";

const here = dirname(fileURLToPath(import.meta.url));
const version = (pkg) => JSON.parse(readFileSync(join(here, "node_modules", pkg, "package.json"), "utf8")).version;

const ALL = ["jobs", "hosts", "summary"]; // the default
const KNOWN = [...ALL, "services", "links", "storage", "provisioning"];

function usage(msg) {
  process.stderr.write(`read.mjs: ${msg}\nusage: node read.mjs DIR [${KNOWN.join("|")} ...]\n`);
  process.exit(2);
}

// JSON-safe scalar: BigInt to number when exact, else string; typed values to plain ones.
function plain(v) {
  if (typeof v === "bigint") {
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  }
  if (typeof v === "number" && !Number.isFinite(v)) return String(v); // NaN, Infinity
  return v;
}

function plainObject(o) {
  if (o == null) return null;
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, plain(v)]));
}

function readPolars(path) {
  // pl.readIPC treats a string as a path only when it ends in ".ipc"; pass the bytes instead.
  const df = pl.readIPC(readFileSync(path));
  const out = {
    rows: df.height,
    columns: df.columns,
    dtypes: df.dtypes.map((d) => String(d).replace(/^DataType\((.*)\)$/, "$1")),
    null_counts: {},
    first_row: df.height > 0 ? plainObject(df.head(1).toRecords()[0]) : null,
    sums: {},
  };
  for (const [i, name] of df.columns.entries()) {
    const s = df.getColumn(name);
    out.null_counts[name] = s.nullCount();
    const dt = out.dtypes[i];
    if (dt === "Bool") {
      out.sums[name] = plain(s.cast(pl.Int64).sum());
    } else if (/^(Int\d+|UInt(8|16|32)|Float\d+)$/.test(dt)) {
      // (Series.sum panics on UInt64 in nodejs-polars 0.25.2, so UInt64 columns get no sum.)
      out.sums[name] = plain(s.sum());
    }
  }
  return out;
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
