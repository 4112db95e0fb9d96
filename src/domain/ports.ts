import type { Secret } from './secret.ts';

/** Encrypts credentials before they are stored and decrypts them when a pass needs them. */
export interface SecretSealer {
  /** Ciphertext safe to store in the database; never contains the plaintext. */
  seal(secret: Secret): string;
  /** Throws when the ciphertext was tampered with or its key is unknown. */
  open(sealed: string): Secret;
}

/** One outgoing email (notifications, statistics reports, licence notices). */
export interface OutgoingEmail {
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
  /** `cid` makes an attachment an inline image the HTML shows as `<img src="cid:…">`. */
  readonly attachments?: readonly {
    filename: string;
    contentType: string;
    content: Uint8Array | string;
    cid?: string;
  }[];
}

export interface Mailer {
  send(email: OutgoingEmail): Promise<void>;
}
