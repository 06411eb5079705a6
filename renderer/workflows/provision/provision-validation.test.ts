import { describe, expect, it } from 'vitest';
import { defaultSecretKeyNames, HostProfile } from '../../../src/contract/index.js';
import { initialForm } from './provision-form.js';
import { countryProblem, fieldOfError, hostNameProblem, inputsProblems } from './provision-validation.js';

const host = HostProfile.parse({
  name: 'pi-garage',
  imagePath: null,
  flakeDir: null,
  sopsFile: null,
  secretKeys: defaultSecretKeyNames,
  wifiCountry: null,
  pinnedHostKey: null,
  lastProvision: null,
});
const error = (code: string) => ({ code, message: 'm', hint: 'h' });

describe('hostNameProblem', () => {
  it('says what the contract wants, with a name that would pass', () => {
    expect(hostNameProblem('', [])).toMatch(/^Enter a host name/);
    expect(hostNameProblem('Pi Garage', [])).toMatch(/lower-case.*Try “pi-garage”\.$/);
    expect(hostNameProblem('p'.repeat(64), [])).toMatch(/1–63.*Try “p{63}”/);
    expect(hostNameProblem('pi-garage', [])).toBeNull();
  });

  it('refuses a name already saved, which would overwrite that host', () => {
    expect(hostNameProblem('pi-garage', ['pi-garage'])).toMatch(/already a host pi-garage/);
  });
});

describe('countryProblem', () => {
  it('accepts none or two letters in either case', () => {
    expect(countryProblem('')).toBeNull();
    expect(countryProblem('de')).toBeNull();
    expect(countryProblem('D1')).toMatch(/two-letter code/);
  });
});

describe('inputsProblems and fieldOfError', () => {
  it('wants an output, and checks the country only when Wi-Fi is written', () => {
    const form = { ...initialForm(host), country: 'X' };
    expect(Object.keys(inputsProblems(form, { state: 'idle' })).sort()).toEqual(['country', 'dest']);
    expect(inputsProblems({ ...form, secretsFrom: 'none' }, { state: 'idle' }).country).toBeUndefined();
  });

  it('puts the core’s errors at the field their code names', () => {
    const form = { ...initialForm(host), imagePath: '/img' };
    expect(fieldOfError(form, error('provision-dest-exists'))).toBe('dest');
    expect(fieldOfError(form, error('age-identity-missing'))).toBe('ageKeyFile');
    expect(fieldOfError(form, error('image-unknown-format'))).toBe('imagePath');
    expect(fieldOfError({ ...form, imagePath: '' }, error('image-unknown-format'))).toBeNull();
    expect(fieldOfError(form, error('internal'))).toBeNull();
  });
});
