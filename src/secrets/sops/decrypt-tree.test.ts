import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptSopsWithDataKey } from './decrypt-sops.js';
import { SopsError } from './sops-error.js';
import { encryptForTest, macForTest } from '../../../test/fixtures/sops-encrypt.js';

const key = randomBytes(32);
const LAST_MODIFIED = '2024-01-02T03:04:05Z';
const enc = (plain: string | Buffer, ad: string, type = 'str') => encryptForTest(plain, type, key, ad);

/** A sops metadata block; a dummy pgp entry stands in for the keys (the data key is given directly). */
function metadata(
  values: Array<string | Buffer>,
  extra = '',
  macOnly = false,
  lastModified = LAST_MODIFIED,
): string {
  return [
    'sops:',
    '    pgp:',
    '        - fp: 0000',
    '          enc: unused',
    `    lastmodified: "${lastModified}"`,
    `    mac: ${macForTest(values, key, LAST_MODIFIED, macOnly)}`,
    extra,
    '    version: 3.9.0',
  ]
    .filter(Boolean)
    .join('\n');
}

function errorOf(run: () => unknown): SopsError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SopsError);
    return error as SopsError;
  }
  throw new Error('expected a SopsError');
}

describe('decrypting values by the file’s rules', () => {
  it('passes _unencrypted values through, types values back and hashes them as Go prints them', () => {
    const blob = Buffer.from([0, 255, 10]);
    const yaml = [
      'wifi:',
      `    ssid: ${enc('home', 'wifi:ssid:')}`,
      `    psk: ${enc('pa:ss "word"', 'wifi:psk:')}`,
      // go-yaml reads 0755 as octal: sops hashed "493".
      '    port_unencrypted: 0755',
      `count: ${enc('42', 'count:', 'int')}`,
      `big: ${enc('9007199254740993', 'big:', 'int')}`,
      `ratio: ${enc('1.5', 'ratio:', 'float')}`,
      `enabled: ${enc('True', 'enabled:', 'bool')}`,
      `blob: ${enc(blob, 'blob:', 'bytes')}`,
      `when: ${enc('2024-05-06T07:08:09.5+02:00', 'when:', 'time')}`,
      'empty: ""',
      'nothing: null',
      metadata([
        'home',
        'pa:ss "word"',
        '493',
        '42',
        '9007199254740993',
        '1.5',
        'True',
        blob,
        '2024-05-06T07:08:09.5+02:00',
        '',
      ]),
    ].join('\n');
    const sops = decryptSopsWithDataKey(yaml, 'yaml', key);
    expect(sops.lookup('wifi')).toEqual({ ssid: 'home', psk: 'pa:ss "word"', port_unencrypted: 493 });
    expect(sops.lookup('count')).toBe(42);
    expect(sops.lookup('big')).toBe(9007199254740993n);
    expect(sops.lookup('ratio')).toBe(1.5);
    expect(sops.lookup('enabled')).toBe(true);
    expect(sops.lookup('blob')).toEqual(blob);
    expect(sops.lookup('when')).toBe('2024-05-06T07:08:09.5+02:00');
    expect(sops.lookup('empty')).toBe('');
    expect(sops.lookup('nothing')).toBeNull();
    expect(sops.keys()).toContain('nothing');
  });

  it('decrypts only what encrypted_regex names, at any depth below it', () => {
    const yaml = [
      'name: pi',
      'data:',
      `    user: ${enc('admin', 'data:user:')}`,
      `    pass: ${enc('s3cret', 'data:pass:')}`,
      'other:',
      '    data_like: plain',
      metadata(['pi', 'admin', 's3cret', 'plain'], '    encrypted_regex: ^(data|stringData)$'),
    ].join('\n');
    expect(decryptSopsWithDataKey(yaml, 'yaml', key).tree).toEqual({
      name: 'pi',
      data: { user: 'admin', pass: 's3cret' },
      other: { data_like: 'plain' },
    });
  });

  it('leaves what unencrypted_regex and encrypted_suffix exclude alone', () => {
    const regex = [
      'public_note: hello',
      `psk: ${enc('secret', 'psk:')}`,
      metadata(['hello', 'secret'], '    unencrypted_regex: ^public_'),
    ].join('\n');
    expect(decryptSopsWithDataKey(regex, 'yaml', key).tree).toEqual({ public_note: 'hello', psk: 'secret' });
    const suffix = [
      'note: hello',
      `psk_enc: ${enc('secret', 'psk_enc:')}`,
      metadata(['hello', 'secret'], '    encrypted_suffix: _enc'),
    ].join('\n');
    expect(decryptSopsWithDataKey(suffix, 'yaml', key).tree).toEqual({ note: 'hello', psk_enc: 'secret' });
  });

  it('with mac_only_encrypted, hashes only encrypted values (so plain ones may change)', () => {
    const build = (note: string) =>
      [
        `note_unencrypted: ${note}`,
        `psk: ${enc('secret', 'psk:')}`,
        metadata(['secret'], '    mac_only_encrypted: true', true),
      ].join('\n');
    expect(decryptSopsWithDataKey(build('first'), 'yaml', key).lookup('note_unencrypted')).toBe('first');
    expect(decryptSopsWithDataKey(build('changed'), 'yaml', key).lookup('note_unencrypted')).toBe('changed');
  });

  it('keeps key order, integer-like keys included, in keys() and in the MAC', () => {
    const yaml = [
      `b: ${enc('1', 'b:')}`,
      `"10": ${enc('2', '10:')}`,
      `"2": ${enc('3', '2:')}`,
      metadata(['1', '2', '3']),
    ].join('\n');
    expect(decryptSopsWithDataKey(yaml, 'yaml', key).keys()).toEqual(['b', '10', '2']);
  });

  it('uses lastmodified as Go formats it (whole seconds, Z) as the MAC’s additional data', () => {
    const yaml = [`a: ${enc('x', 'a:')}`, metadata(['x'], '', false, '2024-01-02T03:04:05.25+00:00')].join(
      '\n',
    );
    expect(decryptSopsWithDataKey(yaml, 'yaml', key).lookup('a')).toBe('x');
  });

  it('reads JSON numbers as sops does (int64, else float64)', () => {
    const mac = macForTest(['8080', '1', 'x'], key, LAST_MODIFIED);
    const json = JSON.stringify({
      port_unencrypted: 8080,
      ratio_unencrypted: 1.0,
      a: enc('x', 'a:'),
      sops: {
        pgp: [{ fp: '0', enc: 'x' }],
        lastmodified: LAST_MODIFIED,
        mac,
        unencrypted_suffix: '_unencrypted',
      },
    }).replace('"ratio_unencrypted":1', '"ratio_unencrypted":1.0');
    expect(decryptSopsWithDataKey(json, 'json', key).tree).toMatchObject({
      port_unencrypted: 8080,
      ratio_unencrypted: 1,
    });
  });

  it('decrypts every document of a multi-document YAML file', () => {
    const yaml = [`a: ${enc('x', 'a:')}`, metadata(['x', 'y']), '---', `b: ${enc('y', 'b:')}`].join('\n');
    const sops = decryptSopsWithDataKey(yaml, 'yaml', key);
    expect(sops.tree).toEqual([{ a: 'x' }, { b: 'y' }]);
    expect(sops.lookup('b')).toBe('y');
  });

  it('refuses a value that should be encrypted but was pasted in as plaintext', () => {
    const yaml = ['psk: hunter2', metadata(['hunter2'])].join('\n');
    const error = errorOf(() => decryptSopsWithDataKey(yaml, 'yaml', key, 'host.yaml'));
    expect(error.code).toBe('sops-mac-mismatch');
    expect(error.message).toContain('psk should be encrypted');
    expect(error.message).not.toContain('hunter2');
  });

  it('refuses metadata that sets two encryption rules, as sops does', () => {
    const yaml = ['a: b', metadata([], '    encrypted_regex: ^a$\n    unencrypted_suffix: _u')].join('\n');
    expect(errorOf(() => decryptSopsWithDataKey(yaml, 'yaml', key)).code).toBe('sops-invalid-metadata');
  });
});

describe('the JSON store', () => {
  it('refuses YAML-only scalars in a .json file', () => {
    const error = errorOf(() => decryptSopsWithDataKey('{"a": hello, "sops": {}}', 'json', key));
    expect(error.code).toBe('sops-parse-failed');
  });
});
