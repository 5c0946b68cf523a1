// Misbehaving simulated devices: hangs, XXE, billion laughs, truncated/oversized bodies, faults, hostile URIs.
import type http from 'node:http';

/** What a hostile simulated camera does instead of answering properly. */
export type HostileMode =
  | 'hang' // accepts the request and never answers
  | 'xxe' // answers with an external-entity document
  | 'billion-laughs' // answers with nested entity expansion
  | 'truncated' // answers with XML cut in the middle
  | 'oversized' // streams ~4 MB of valid-looking XML
  | 'fault' // a SOAP fault (Receiver/ActionFailed) for everything
  | 'unauthorized' // plain HTTP 401 without a challenge
  | { streamUri: string } // GetStreamUri/GetSnapshotUri return this URI, everything else is normal
  | { snapshotUri: string };

const XXE =
  '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' +
  '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>' +
  '<tds:GetSystemDateAndTimeResponse xmlns:tds="http://www.onvif.org/ver10/device/wsdl">' +
  '&xxe;</tds:GetSystemDateAndTimeResponse></s:Body></s:Envelope>';
const LAUGHS =
  '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
  '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">' +
  '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">' +
  ']><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>&lol3;</s:Body></s:Envelope>';

/** Answers `res` according to `mode`; returns false when the normal handler should answer instead. */
export function hostileAnswer(
  mode: HostileMode,
  operation: string,
  res: http.ServerResponse,
  wrap: (body: string) => string,
): boolean {
  const xml = (status: number, body: string): void => {
    res.writeHead(status, { 'content-type': 'application/soap+xml; charset=utf-8' }).end(body);
  };
  if (typeof mode === 'object') {
    const uri =
      'streamUri' in mode
        ? operation === 'GetStreamUri'
          ? mode.streamUri
          : undefined
        : operation === 'GetSnapshotUri'
          ? mode.snapshotUri
          : undefined;
    if (uri === undefined) return false;
    const esc = uri.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    xml(
      200,
      wrap(`<trt:${operation}Response><trt:MediaUri><tt:Uri>${esc}</tt:Uri></trt:MediaUri></trt:${operation}Response>`),
    );
    return true;
  }
  switch (mode) {
    case 'hang':
      return true; // never answer; close() drops the socket
    case 'xxe':
      xml(200, XXE);
      return true;
    case 'billion-laughs':
      xml(200, LAUGHS);
      return true;
    case 'truncated': {
      const full = wrap(
        '<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>NTP' +
          '</tt:DateTimeType></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>',
      );
      xml(200, full.slice(0, Math.floor(full.length * 0.6)));
      return true;
    }
    case 'oversized': {
      res.writeHead(200, { 'content-type': 'application/soap+xml; charset=utf-8' });
      res.write('<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><x>');
      const chunk = `<pad>${'A'.repeat(64 * 1024)}</pad>`;
      let sent = 0;
      const more = (): void => {
        while (sent < 64) {
          sent++;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end('</x></s:Body></s:Envelope>');
      };
      res.on('error', () => undefined);
      more();
      return true;
    }
    case 'fault':
      xml(
        500,
        wrap(
          '<s:Fault xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Code><s:Value>s:Receiver</s:Value>' +
            '<s:Subcode><s:Value>ter:ActionFailed</s:Value></s:Subcode></s:Code>' +
            '<s:Reason><s:Text xml:lang="en">Simulated failure</s:Text></s:Reason></s:Fault>',
        ),
      );
      return true;
    case 'unauthorized':
      res.writeHead(401, { 'content-type': 'text/plain' }).end('Unauthorized');
      return true;
  }
}
