/* MD5 (RFC 1321) for the hotspot's CHAP login: hexMD5(chapId + password + chapChallenge), each character
   taken as one byte (MikroTik's $(chap-id) and $(chap-challenge) are octal escapes of bytes 0-255).
   Written for ispbill; public domain. */
function hexMD5(text) {
  function add(x, y) { return (x + y) | 0; }
  function rol(x, c) { return (x << c) | (x >>> (32 - c)); }
  function step(f, a, b, x, s, t) { return add(rol(add(add(a, f), add(x, t)), s), b); }
  var bytes = [], i;
  for (i = 0; i < text.length; i++) bytes.push(text.charCodeAt(i) & 0xff);
  var bitLength = bytes.length * 8;
  bytes.push(0x80);
  while (bytes.length % 64 !== 56) bytes.push(0);
  for (i = 0; i < 8; i++) bytes.push(i < 4 ? (bitLength >>> (8 * i)) & 0xff : 0);
  var S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
  var K = [];
  for (i = 0; i < 64; i++) K[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 4294967296) | 0;
  var a0 = 0x67452301, b0 = 0xefcdab89 | 0, c0 = 0x98badcfe | 0, d0 = 0x10325476;
  for (var chunk = 0; chunk < bytes.length; chunk += 64) {
    var M = [];
    for (i = 0; i < 16; i++) {
      var o = chunk + i * 4;
      M[i] = bytes[o] | (bytes[o + 1] << 8) | (bytes[o + 2] << 16) | (bytes[o + 3] << 24);
    }
    var a = a0, b = b0, c = c0, d = d0;
    for (i = 0; i < 64; i++) {
      var f, g;
      if (i < 16) { f = (b & c) | (~b & d); g = i; }
      else if (i < 32) { f = (d & b) | (~d & c); g = (5 * i + 1) % 16; }
      else if (i < 48) { f = b ^ c ^ d; g = (3 * i + 5) % 16; }
      else { f = c ^ (b | ~d); g = (7 * i) % 16; }
      var next = step(f, a, b, M[g], S[(i >> 4) * 4 + (i % 4)], K[i]);
      a = d; d = c; c = b; b = next;
    }
    a0 = add(a0, a); b0 = add(b0, b); c0 = add(c0, c); d0 = add(d0, d);
  }
  var out = "", words = [a0, b0, c0, d0];
  for (i = 0; i < 4; i++) {
    for (var j = 0; j < 4; j++) {
      var byte = (words[i] >>> (8 * j)) & 0xff;
      out += (byte < 16 ? "0" : "") + byte.toString(16);
    }
  }
  return out;
}
