import { describe, expect, it } from 'vitest';
import { HostProfile } from '../../../src/contract/index.js';
import { draftOf, profileChanges, rebased } from './host-draft.js';

const profile = HostProfile.parse({
  name: 'pi',
  flakeDir: null,
  imagePath: null,
  sopsFile: null,
  secretKeys: { wifiSsid: 'a', wifiPsk: 'b', hostKey: 'c', wifiCountry: 'd' },
  wifiCountry: null,
  checks: [{ kind: 'command', name: 'UPS', command: 'upsc -l' }],
  access: { identityFile: '/k', address: '192.0.2.7' },
  pinnedHostKey: null,
  lastProvision: null,
});

describe('profileChanges', () => {
  it('sends only the name when nothing was changed', () => {
    expect(profileChanges('pi', draftOf(profile))).toEqual({ name: 'pi' });
  });

  it('sends each changed access field alone, an emptied one as null', () => {
    const draft = draftOf(profile);
    draft.form = { ...draft.form, address: ' ', buildHost: ' root@b.lan ' };
    expect(profileChanges('pi', draft)).toEqual({
      name: 'pi',
      access: { address: null, buildHost: 'root@b.lan' },
    });
  });

  it('sends the checks only when they changed', () => {
    const draft = { ...draftOf(profile), checks: [] };
    expect(profileChanges('pi', draft)).toEqual({ name: 'pi', checks: [] });
  });

  it('measures against what was saved last, and forgets the passphrase once saved', () => {
    const draft = draftOf(profile);
    draft.form = { ...draft.form, address: '192.0.2.8', passphrase: 'secret' };
    const saved = { ...profile, access: { ...profile.access, address: '192.0.2.8' } };
    const after = rebased(draft, saved);
    expect(after.form.passphrase).toBe('');
    expect(profileChanges('pi', after)).toEqual({ name: 'pi' });
  });
});
