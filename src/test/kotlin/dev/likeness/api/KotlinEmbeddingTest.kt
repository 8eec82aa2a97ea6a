package dev.likeness.api

import java.nio.file.Files
import java.nio.file.Path
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.Test

/** The engine embedded from Kotlin as the README shows it: `use {}`, data-class-like records, a progress lambda. */
class KotlinEmbeddingTest {
    private val tinyModel: Path = Path.of(System.getenv("LIKENESS_GOLDEN") ?: "../shared/golden", "sd1-tiny", "model")

    @Test
    fun generatesFromKotlin() {
        assumeTrue(Files.isDirectory(tinyModel) || System.getenv("CI") == "true", "reference data not found: $tinyModel")
        val steps = mutableListOf<Int>()
        Likeness.open(tinyModel).use { model ->
            val pictures = model.generate(Generation.of("a photo of a cat").withSteps(3).withSeed(7)) { step, _, _ ->
                steps += step
            }
            assertEquals(1, pictures.size)
            assertEquals(model.nativeSize(), pictures[0].image.width)
            assertEquals(7L, pictures[0].seed)
            assertTrue(steps.isNotEmpty())
            val sampler: String? = Generation.of("x").sampler // nullable in Kotlin through JSpecify
            assertEquals(null, sampler)
        }
    }
}
