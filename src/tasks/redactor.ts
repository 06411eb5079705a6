/** Masks secrets a task registered before its log lines leave memory; a log must never carry a passphrase. */
export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string): void {
    // Very short strings would mask ordinary words; secrets that short are refused elsewhere anyway.
    if (secret.length >= 4) this.secrets.add(secret);
  }

  apply(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('[redacted]');
    return out;
  }
}
