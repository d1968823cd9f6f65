import { checkWebhookTarget, isAddressAllowed, parseWebhookAllowList } from './webhook-allow';

describe('webhook allow list', () => {
  it('allows any http(s) URL when the list is empty, loopback included', () => {
    expect(checkWebhookTarget('http://127.0.0.1:9000/hook', '')).toEqual({ ok: true, host: '127.0.0.1', port: 9000, checkAddress: false });
    expect(checkWebhookTarget('https://[::1]/hook', '')).toEqual({ ok: true, host: '::1', port: 443, checkAddress: false });
    expect(checkWebhookTarget('http://lims.example.org/x', '')).toMatchObject({ ok: true, port: 80 });
  });

  it('refuses other schemes, non-URLs and URLs with credentials whatever the list', () => {
    expect(checkWebhookTarget('ftp://example.org/', '')).toEqual({ ok: false, reason: 'must be an http or https URL' });
    expect(checkWebhookTarget('file:///etc/passwd', '')).toMatchObject({ ok: false });
    expect(checkWebhookTarget('not a url', '')).toEqual({ ok: false, reason: 'is not a URL' });
    expect(checkWebhookTarget('https://user:secret@example.org/', '')).toMatchObject({ ok: false, reason: expect.stringContaining('credentials') });
  });

  it('matches host names case-insensitively, with or without a port', () => {
    const allow = 'LIMS.example.org, hooks.lab:8443';
    expect(checkWebhookTarget('https://lims.example.org./x', allow)).toMatchObject({ ok: true, checkAddress: false });
    expect(checkWebhookTarget('http://lims.example.org:1234/x', allow)).toMatchObject({ ok: true });
    expect(checkWebhookTarget('http://hooks.lab:8443/x', allow)).toMatchObject({ ok: true });
    expect(checkWebhookTarget('http://hooks.lab/x', allow)).toEqual({ ok: false, reason: 'hooks.lab:80 is not in IVORYOS_WEBHOOK_ALLOW' });
    expect(checkWebhookTarget('http://evil.example.org/x', allow)).toMatchObject({ ok: false });
    expect(checkWebhookTarget('http://sub.lims.example.org/x', allow)).toMatchObject({ ok: false });
  });

  it('matches IPv4 and IPv6 literals against addresses and CIDR ranges', () => {
    const allow = '10.20.0.0/16, 127.0.0.1, ::1, fd00:ab::/32, 192.168.1.5:8080';
    expect(checkWebhookTarget('http://10.20.255.1/x', allow)).toMatchObject({ ok: true });
    expect(checkWebhookTarget('http://10.21.0.1/x', allow)).toMatchObject({ ok: false });
    expect(checkWebhookTarget('http://127.0.0.1:5000/x', allow)).toMatchObject({ ok: true });
    expect(checkWebhookTarget('http://127.0.0.2:5000/x', allow)).toMatchObject({ ok: false });
    expect(checkWebhookTarget('http://[::1]:5000/x', allow)).toMatchObject({ ok: true, host: '::1' });
    expect(checkWebhookTarget('http://[::2]:5000/x', allow)).toMatchObject({ ok: false });
    expect(checkWebhookTarget('http://[fd00:ab:1::7]/x', allow)).toMatchObject({ ok: true });
    expect(checkWebhookTarget('http://[fd00:ac::7]/x', allow)).toMatchObject({ ok: false });
    expect(checkWebhookTarget('http://192.168.1.5:8080/x', allow)).toMatchObject({ ok: true });
    expect(checkWebhookTarget('http://192.168.1.5:8081/x', allow)).toMatchObject({ ok: false });
  });

  it('admits a host name through an address range only after resolving it', () => {
    expect(checkWebhookTarget('http://printer.lab/x', '10.0.0.0/8')).toEqual({ ok: true, host: 'printer.lab', port: 80, checkAddress: true });
    const entries = parseWebhookAllowList('10.0.0.0/8,::1/128');
    expect(isAddressAllowed('10.1.2.3', 80, entries)).toBe(true);
    expect(isAddressAllowed('169.254.169.254', 80, entries)).toBe(false);
    expect(isAddressAllowed('::1', 80, entries)).toBe(true);
    expect(isAddressAllowed('0:0:0:0:0:0:0:1', 80, entries)).toBe(true);
    expect(isAddressAllowed('::2', 80, entries)).toBe(false);
    // An IPv4-mapped IPv6 address is the IPv4 address it carries.
    expect(isAddressAllowed('::ffff:10.9.9.9', 80, entries)).toBe(true);
    expect(isAddressAllowed('::ffff:11.9.9.9', 80, entries)).toBe(false);
    expect(isAddressAllowed('not-an-ip', 80, entries)).toBe(false);
  });

  it('covers everything with /0 and nothing outside a /32', () => {
    expect(isAddressAllowed('8.8.8.8', 443, parseWebhookAllowList('0.0.0.0/0'))).toBe(true);
    expect(isAddressAllowed('2001:db8::1', 443, parseWebhookAllowList('0.0.0.0/0'))).toBe(false);
    expect(isAddressAllowed('2001:db8::1', 443, parseWebhookAllowList('::/0'))).toBe(true);
    expect(isAddressAllowed('127.0.0.1', 1, parseWebhookAllowList('127.0.0.0/8'))).toBe(true);
    expect(isAddressAllowed('128.0.0.1', 1, parseWebhookAllowList('127.0.0.0/8'))).toBe(false);
  });

  it('rejects entries it cannot read, naming them', () => {
    for (const bad of ['10.0.0.0/33', '::1/129', 'exa mple.org', 'host:99999', 'http://x.org', '[example.org]:80', '10.0.0.0/x']) {
      expect(() => parseWebhookAllowList(bad)).toThrow(`'${bad}'`);
    }
    expect(parseWebhookAllowList(' , ')).toEqual([]);
    expect(parseWebhookAllowList('[::1]:8080')).toEqual([{ kind: 'range', family: 6, base: 1n, prefix: 128, port: 8080 }]);
  });
});
