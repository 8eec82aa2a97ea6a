package dev.likeness.concepts;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * The subject's reference images kept in a concept folder ({@code references/00.png}, ...), as PNG with their
 * alpha (a cut-out subject's mask). Training copies them in; Layout-and-Retouch injects their appearance.
 */
public final class ConceptReferences {
    public static final String DIR = "references";
    private static final int MAX = 64;

    private ConceptReferences() {}

    /** Copies the images into {@code conceptDir/references/} as PNG (at most 64). */
    public static void store(Path conceptDir, List<Path> images) throws IOException {
        Path dir = conceptDir.resolve(DIR);
        Files.createDirectories(dir);
        for (int i = 0; i < Math.min(images.size(), MAX); i++) {
            BufferedImage img = ImageIO.read(images.get(i).toFile());
            if (img == null) {
                throw new IOException("not a readable image: " + images.get(i).getFileName());
            }
            ImageIO.write(img, "png", file(conceptDir, i).toFile());
        }
    }

    /** Where reference {@code index} of a concept is kept ({@code references/00.png}, ...). */
    public static Path file(Path conceptDir, int index) {
        return conceptDir.resolve(DIR).resolve(String.format(java.util.Locale.ROOT, "%02d.png", index));
    }

    /** The references of a concept folder, in name order; none for a bare embedding file or an older concept. */
    public static List<BufferedImage> load(Path concept) throws IOException {
        Path dir = concept.resolve(DIR);
        List<BufferedImage> out = new ArrayList<>();
        if (!Files.isDirectory(concept) || !Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".png")).sorted().limit(MAX)
                    .toList()) {
                BufferedImage img = ImageIO.read(f.toFile());
                if (img == null) {
                    throw new IOException("unreadable reference image in concept: " + f);
                }
                out.add(img);
            }
        }
        return out;
    }
}
