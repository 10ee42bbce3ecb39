// What counts as a domain for registrant rules, in one place: the lists an admin types and the addresses
// registrants type are normalised the same way, so `Acme.COM`, `acme.com.` and `acme.com` are one domain and an
// internationalised `bücher.de` matches its ASCII form `xn--bcher-kva.de`.
import { domainToASCII } from 'node:url';

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
// A top-level label is letters (or an IDN `xn--…`), so an IP address is never taken for a domain.
const TOP_LABEL = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/** The domain in canonical form (lower-case ASCII, no trailing dot), or undefined when `text` is not one. */
export function normaliseDomain(text: string): string | undefined {
  const trimmed = text.trim().replace(/\.$/, '');
  if (trimmed === '' || trimmed.length > 253) return undefined;
  const ascii = domainToASCII(trimmed);
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l)) || !TOP_LABEL.test(labels.at(-1)!)) return undefined;
  return ascii;
}

/** The normalised domain of an email address, or undefined when the address has none that is valid. */
export function emailDomain(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  if (at <= 0) return undefined;
  return normaliseDomain(email.slice(at + 1));
}

/** Whether `domain` is `listed` or one of its subdomains (`eu.acme.com` is under `acme.com`). */
export function isUnder(domain: string, listed: string): boolean {
  return domain === listed || domain.endsWith(`.${listed}`);
}
