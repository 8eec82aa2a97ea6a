package dev.likeness.engine.nn;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a minimal TorchScript archive for a stateless module class whose methods are TorchScript source we write.
 * This is how we reach aten kernels DJL does not expose (fused attention, native group norm) without native code.
 */
final class TorchScriptArchive {
    private TorchScriptArchive() {}

    /** @param className module class under {@code __torch__}; @param methods TorchScript method definitions */
    static byte[] build(String className, String methods) {
        String code = "class " + className + "(Module):\n"
                + "  __parameters__ = []\n"
                + "  __buffers__ = []\n"
                + "  training : bool\n"
                + methods;
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(); ZipOutputStream zip = new ZipOutputStream(bytes)) {
            put(zip, "archive/data.pkl", modulePickle(className));
            put(zip, "archive/code/__torch__.py", code.getBytes(StandardCharsets.UTF_8));
            put(zip, "archive/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
            put(zip, "archive/version", "3\n".getBytes(StandardCharsets.UTF_8));
            put(zip, "archive/.data/version", "10\n".getBytes(StandardCharsets.UTF_8));
            zip.finish();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(data);
        zip.closeEntry();
    }

    /** Protocol-2 pickle of {@code __torch__.<className>()} with state {training: True}. */
    private static byte[] modulePickle(String className) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x80);
        p.write(2);
        writeAscii(p, "c__torch__\n" + className + "\n");
        p.write(')'); // empty tuple
        p.write(0x81); // NEWOBJ
        p.write('}'); // empty dict
        p.write('(');  // MARK
        byte[] key = "training".getBytes(StandardCharsets.US_ASCII);
        p.write('X');
        p.write(key.length);
        p.write(0);
        p.write(0);
        p.write(0);
        p.write(key, 0, key.length);
        p.write(0x88); // True
        p.write('u');  // SETITEMS
        p.write('b');  // BUILD
        p.write('.');  // STOP
        return p.toByteArray();
    }

    private static void writeAscii(ByteArrayOutputStream p, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        p.write(b, 0, b.length);
    }
}
