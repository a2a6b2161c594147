import type { IConstruct } from "constructs";
import { ValidationError } from "./errors";

/** An IPv4 CIDR block, parsed. */
export interface Cidr {
  readonly text: string;
  /** First address as an unsigned 32-bit number. */
  readonly start: number;
  readonly prefix: number;
  /** Number of addresses. */
  readonly size: number;
}

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; undefined when it is not a canonical IPv4 CIDR (host bits must be zero). */
export function parseCidr(text: string): Cidr | undefined {
  const m = IPV4_CIDR.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  if (address % size !== 0) return undefined;
  return { text, start: address, prefix, size };
}

export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return inner.start >= outer.start && inner.start + inner.size <= outer.start + outer.size;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.start < b.start + b.size && b.start < a.start + a.size;
}

/** RFC 1918 private ranges, plus loopback and link-local: never a public source address. */
const NOT_PUBLIC = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16", "0.0.0.0/8"].map((c) => parseCidr(c)!);

export function isPublicRange(c: Cidr): boolean {
  return !NOT_PUBLIC.some((p) => cidrsOverlap(p, c));
}

/** Throws unless `value` is a canonical IPv4 CIDR; returns it parsed. */
export function checkCidr(scope: IConstruct, field: string, value: string, example: string): Cidr {
  const parsed = typeof value === "string" ? parseCidr(value) : undefined;
  if (!parsed) {
    throw new ValidationError(scope, field, value, "is not an IPv4 CIDR block with its host bits zero", `use the network address and prefix length, e.g. "${example}"`);
  }
  return parsed;
}
