// The console's tab icon, /favicon.ico: a 16×16 ICO (one 32-bit BMP image) drawn here, so the page asks for nothing
// that 404s and the repository holds no binary file. A blue square with a white "Z", the bot's avatar colours.
const SIZE = 16;
const BLUE = [0xff, 0x8c, 0x2d, 0xff]; // #2d8cff as B, G, R, A
const WHITE = [0xff, 0xff, 0xff, 0xff];

/** Pixels of the "Z" (row 0 at the top). */
function isLetter(x: number, y: number): boolean {
  if (x < 4 || x > 11 || y < 4 || y > 11) return false;
  if (y <= 5 || y >= 10) return true;
  return x === 15 - y || x === 16 - y;
}

function buildIcon(): Buffer {
  const pixels = SIZE * SIZE * 4;
  const mask = SIZE * 4; // 1 bit a pixel, rows padded to 4 bytes: all 0, opacity comes from alpha
  const image = 40 + pixels + mask;
  const ico = Buffer.alloc(6 + 16 + image);
  ico.writeUInt16LE(1, 2); // type: icon
  ico.writeUInt16LE(1, 4); // one image
  ico.writeUInt8(SIZE, 6);
  ico.writeUInt8(SIZE, 7);
  ico.writeUInt16LE(1, 10); // planes
  ico.writeUInt16LE(32, 12); // bits per pixel
  ico.writeUInt32LE(image, 14);
  ico.writeUInt32LE(22, 18); // offset of the image
  const bmp = 22;
  ico.writeUInt32LE(40, bmp);
  ico.writeInt32LE(SIZE, bmp + 4);
  ico.writeInt32LE(SIZE * 2, bmp + 8); // colour rows and mask rows together
  ico.writeUInt16LE(1, bmp + 12);
  ico.writeUInt16LE(32, bmp + 14);
  ico.writeUInt32LE(pixels + mask, bmp + 20);
  for (let row = 0; row < SIZE; row++) {
    const y = SIZE - 1 - row; // BMP rows run bottom-up
    for (let x = 0; x < SIZE; x++) {
      Buffer.from(isLetter(x, y) ? WHITE : BLUE).copy(ico, bmp + 40 + (row * SIZE + x) * 4);
    }
  }
  return ico;
}

export const FAVICON = buildIcon();
