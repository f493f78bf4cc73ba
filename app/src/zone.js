// The wall clock of an instant in a named tz database zone, from the browser's own tz database
// (Intl.DateTimeFormat, ECMA-402), so the WebAssembly bundle needs none. One formatter per zone.
const formatters = new Map();

function formatter(zone) {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(zone, format);
  }
  return format;
}

// "YYYY-MM-DDTHH:MM:SS" in `zone` at `ms` since the epoch, or "" for a zone the browser does not know.
export function wallClock(ms, zone) {
  try {
    const parts = {};
    for (const part of formatter(zone).formatToParts(new Date(ms))) parts[part.type] = part.value;
    const year = String(parts.year).padStart(4, "0");
    return `${year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
  } catch {
    return "";
  }
}
