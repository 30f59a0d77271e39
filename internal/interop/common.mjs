// common.mjs — helpers shared by the interop readers (read.mjs, read_parquet.mjs, examples.mjs).

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

// The installed version of an npm package of this folder.
export const version = (pkg) => JSON.parse(readFileSync(join(here, "node_modules", pkg, "package.json"), "utf8")).version;

// JSON-safe scalar: BigInt to number when exact, else string; NaN and infinities to strings.
export function plain(v) {
  if (typeof v === "bigint") {
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  }
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  return v;
}

export function plainObject(o) {
  if (o == null) return null;
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, plain(v)]));
}

// What a nodejs-polars DataFrame holds: rows, columns, dtypes, null counts, first row, and sums
// of the numeric and boolean columns.
export function describeFrame(pl, df) {
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
