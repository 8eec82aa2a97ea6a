package dev.likeness.server.support;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;

/** PNG fixtures made in code: valid images, and a tiny file that declares a huge image (a PNG bomb). */
public final class Pngs {
    private Pngs() {}

    public static byte[] valid(int w, int h) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(FakeGenerator.paint(w, h, 7), "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A well-formed PNG header declaring w×h RGB pixels, with one small compressed IDAT of zeros. */
    public static byte[] declaring(int w, int h) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0)
                .put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        Deflater d = new Deflater(9);
        d.setInput(new byte[1 << 20]); // 1 MB of zeros deflates to about a kilobyte
        d.finish();
        byte[] buf = new byte[64 * 1024];
        int n = d.deflate(buf);
        byte[] idat = java.util.Arrays.copyOf(buf, n);
        chunk(out, "IDAT", idat);
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /**
     * A valid, fully decodable {@code side}×{@code side} RGBA 16-bit PNG of transparent black: at 4096² it is about
     * 127 KB on disk and 128 MiB decoded, the largest image the default limits admit.
     */
    public static byte[] rgba16(int side) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(side).putInt(side).put((byte) 16).put((byte) 6)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        try (java.util.zip.DeflaterOutputStream z = new java.util.zip.DeflaterOutputStream(idat, new Deflater(9))) {
            byte[] row = new byte[1 + side * 8]; // filter byte 0, then 4 samples of 2 bytes per pixel
            for (int y = 0; y < side; y++) {
                z.write(row);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        chunk(out, "IDAT", idat.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** A valid image with an extra zTXt chunk inflating to {@code inflatedBytes}. */
    public static byte[] withTextBomb(int inflatedBytes) {
        byte[] png = valid(8, 8);
        Deflater d = new Deflater(9);
        d.setInput(new byte[inflatedBytes]);
        d.finish();
        ByteArrayOutputStream comp = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        while (!d.finished()) {
            comp.write(buf, 0, d.deflate(buf));
        }
        ByteArrayOutputStream ztxt = new ByteArrayOutputStream();
        ztxt.writeBytes("Comment".getBytes(StandardCharsets.ISO_8859_1));
        ztxt.write(0);
        ztxt.write(0);
        ztxt.writeBytes(comp.toByteArray());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, 33); // signature + IHDR
        chunk(out, "zTXt", ztxt.toByteArray());
        out.write(png, 33, png.length - 33);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
