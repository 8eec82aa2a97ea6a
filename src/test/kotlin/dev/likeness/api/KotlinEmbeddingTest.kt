package dev.likeness.api

import java.awt.Color
import java.awt.image.BufferedImage
import java.nio.file.Files
import java.nio.file.Path
import javax.imageio.ImageIO
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/**
 * The engine embedded from Kotlin as the README shows it: `use {}`, records with `with…`, progress as a lambda,
 * JSpecify nullability seen by the Kotlin compiler, and a Textual Inversion concept trained and applied.
 */
class KotlinEmbeddingTest {
    private val tinyModel: Path = Path.of(System.getenv("LIKENESS_GOLDEN") ?: "../shared/golden", "sd1-tiny", "model")

    @TempDir
    lateinit var dir: Path

    private fun assumeReferenceData() =
        assumeTrue(Files.isDirectory(tinyModel) || System.getenv("CI") == "true", "reference data not found: $tinyModel")

    @Test
    fun generatesThenTrainsAConceptAndUsesIt() {
        assumeReferenceData()
        val refs = Files.createDirectories(dir.resolve("refs"))
        for (i in 0 until 2) {
            val img = BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB)
            img.createGraphics().apply {
                color = Color(200, 120 + 40 * i, 60)
                fillOval(12, 12, 40, 40)
                dispose()
            }
            ImageIO.write(img, "png", refs.resolve("ref$i.png").toFile())
        }
        Likeness.open(tinyModel).use { model ->
            val steps = mutableListOf<Int>()
            val request = Generation.of("a photo of <toy>").withSteps(3).withSeed(7)
            val plain = model.generate(request) { step, _, _ -> steps += step }
            assertEquals(1, plain.size)
            assertEquals(model.nativeSize(), plain[0].image.width)
            assertEquals(7L, plain[0].seed)
            assertTrue(steps.isNotEmpty())
            val previews = mutableListOf<PreviewImage>()
            val previewed = model.generate(request, Progress.NONE, null) { previews += it }
            assertEquals(pixels(plain[0].image), pixels(previewed[0].image), "previews do not change the image")
            assertEquals(previews.last().total, previews.last().step, "the last step always gets a preview")
            assertEquals(64, previews.last().image().width)
            val sampler: String? = request.sampler // nullable in Kotlin through JSpecify
            assertNull(sampler)

            val trainingSteps = mutableListOf<Int>()
            val concept = model.train(
                Training.textualInversion("toy", listOf(refs.resolve("ref0.png"), refs.resolve("ref1.png")), "dog")
                    .withSteps(4).withLearningRate(0.05),
                dir.resolve("concepts/toy"),
                { step, _, _ -> trainingSteps += step },
                null,
                false,
            )
            assertEquals("<toy>", concept.token)
            assertTrue(Files.isRegularFile(concept.folder.resolve("concept.json")))
            assertTrue(trainingSteps.isNotEmpty())

            val withConcept = model.generate(request.withConcepts(listOf(concept.folder.toString())))
            assertNotEquals(pixels(plain[0].image), pixels(withConcept[0].image), "the concept changes the image")
        }
        val error = assertThrows(LikenessException::class.java) { Likeness.open(dir.resolve("missing")) }
        assertTrue(error.message!!.contains("no such file or folder"), error.message)
    }

    private fun pixels(img: BufferedImage): List<Int> =
        (0 until img.height).flatMap { y -> (0 until img.width).map { x -> img.getRGB(x, y) } }
}
