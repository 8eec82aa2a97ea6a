package dev.likeness.util;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/** PNG encoding with the generation parameters stored in a tEXt chunk, and atomic writes. */
public final class PngFiles {
    public static final String TEXT_KEY = "likeness";

    private PngFiles() {}

    public static byte[] encode(BufferedImage image, String parametersJson) throws IOException {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
        ImageWriter writer = writers.next();
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            IIOMetadata meta = writer.getDefaultImageMetadata(new ImageTypeSpecifier(image), null);
            if (parametersJson != null) {
                IIOMetadataNode entry = new IIOMetadataNode("tEXtEntry");
                entry.setAttribute("keyword", TEXT_KEY);
                entry.setAttribute("value", parametersJson);
                IIOMetadataNode text = new IIOMetadataNode("tEXt");
                text.appendChild(entry);
                IIOMetadataNode root = new IIOMetadataNode("javax_imageio_png_1.0");
                root.appendChild(text);
                meta.mergeTree("javax_imageio_png_1.0", root);
            }
            writer.write(null, new IIOImage(image, null, meta), null);
            out.flush();
            return bytes.toByteArray();
        } finally {
            writer.dispose();
        }
    }

    public static void write(Path file, BufferedImage image, String parametersJson) throws IOException {
        AtomicFiles.writeBytes(file, encode(image, parametersJson));
    }
}
