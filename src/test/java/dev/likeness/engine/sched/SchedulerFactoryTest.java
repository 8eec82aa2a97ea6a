package dev.likeness.engine.sched;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.util.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Choosing samplers by name or class, and refusing names and configs this engine cannot honour. */
class SchedulerFactoryTest {
    @TempDir
    Path tmp;

    private static SchedulerConfig with(Consumer<ObjectNode> edit) {
        ObjectNode o = Json.MAPPER.createObjectNode()
                .put("beta_schedule", "scaled_linear").put("beta_start", 0.00085).put("beta_end", 0.012);
        edit.accept(o);
        return SchedulerConfig.parse(o);
    }

    @ParameterizedTest
    @CsvSource({
        "DDIMScheduler, DdimScheduler",
        "PNDMScheduler, PndmScheduler",
        "EulerDiscreteScheduler, EulerScheduler",
        "EulerAncestralDiscreteScheduler, EulerAncestralScheduler",
        "DPMSolverMultistepScheduler, DpmSolverMultistepScheduler",
        "DDPMScheduler, DdpmScheduler"})
    void nullNameUsesTheConfigsOwnClass(String className, String javaClass) {
        Scheduler s = Schedulers.create(null, with(o -> o.put("_class_name", className).put("steps_offset", 1)
                .put("skip_prk_steps", true)), 10);
        assertEquals(javaClass, s.getClass().getSimpleName());
    }

    @Test
    void everyCallGivesAFreshScheduler() {
        SchedulerConfig c = with(o -> { });
        assertNotSame(Schedulers.create("dpmpp_2m", c, 10), Schedulers.create("dpmpp_2m", c, 10));
        assertEquals(java.util.List.of("ddim", "pndm", "euler", "euler_a", "dpmpp_2m", "ddpm"), Schedulers.NAMES);
        assertEquals("euler_a", Schedulers.nameForClass("EulerAncestralDiscreteScheduler").orElseThrow());
        assertTrue(Schedulers.nameForClass("LMSDiscreteScheduler").isEmpty());
        assertInstanceOf(EulerAncestralScheduler.class, Schedulers.create(" Euler_A ", c, 5));
    }

    @Test
    void unknownNamesListTheValidOnes() {
        SchedulerConfig c = with(o -> { });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Schedulers.create("lms", c, 10));
        for (String name : Schedulers.NAMES) {
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
        IllegalArgumentException noClass = assertThrows(IllegalArgumentException.class,
                () -> Schedulers.create(null, c, 10));
        assertTrue(noClass.getMessage().contains("dpmpp_2m"), noClass.getMessage());
        IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class,
                () -> Schedulers.create(null, with(o -> o.put("_class_name", "UniPCMultistepScheduler")), 10));
        assertTrue(foreign.getMessage().contains("UniPCMultistepScheduler"), foreign.getMessage());
    }

    @Test
    void stepCountsOutsideTheTrainingRangeAreRefused() {
        SchedulerConfig c = with(o -> { });
        assertThrows(IllegalArgumentException.class, () -> Schedulers.create("ddim", c, 0));
        assertThrows(IllegalArgumentException.class, () -> Schedulers.create("euler", c, 1001));
        assertThrows(IllegalArgumentException.class, () -> Schedulers.create("pndm", c, 3)); // PRK needs 4
    }

    @Test
    void aForeignSamplerTakesItsOwnSpacingButKeepsTrailing() {
        SchedulerConfig pndm = with(o -> o.put("_class_name", "PNDMScheduler").put("timestep_spacing", "leading")
                .put("steps_offset", 1));
        assertEquals(999, Schedulers.create("euler", pndm, 10).timesteps()[0]);
        assertEquals(901, Schedulers.create("pndm", pndm, 10).timesteps()[0]);
        assertEquals(901, Schedulers.create("ddim", pndm, 10).timesteps()[0]);
        SchedulerConfig trailing = with(o -> o.put("_class_name", "DDIMScheduler")
                .put("timestep_spacing", "trailing"));
        assertEquals(899, Schedulers.create("euler", trailing, 10).timesteps()[1]);
        // a config without a class is taken as it stands
        SchedulerConfig classless = with(o -> o.put("timestep_spacing", "leading").put("steps_offset", 1));
        assertEquals(901, Schedulers.create("euler", classless, 10).timesteps()[0]);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ddim     | {\"beta_schedule\": \"cosine\"}",
        "ddim     | {\"prediction_type\": \"flow_prediction\"}",
        "ddim     | {\"timestep_spacing\": \"log\"}",
        "ddim     | {\"num_train_timesteps\": 0}",
        "ddim     | {\"trained_betas\": [0.1, 0.2]}",
        "ddim     | {\"beta_start\": -1}",
        "ddim     | {\"clip_sample\": \"yes\"}",
        "ddim     | {\"thresholding\": true}",
        "ddim     | {\"steps_offset\": 1.5}",
        "ddim     | [1, 2]",
        "pndm     | {\"prediction_type\": \"sample\"}",
        "euler    | {\"use_karras_sigmas\": true}",
        "euler    | {\"interpolation_type\": \"log_linear\"}",
        "euler    | {\"final_sigmas_type\": \"largest\"}",
        "euler    | {\"timestep_type\": \"continuous\", \"prediction_type\": \"v_prediction\"}",
        "euler_a  | {\"prediction_type\": \"sample\"}",
        "dpmpp_2m | {\"solver_order\": 3}",
        "dpmpp_2m | {\"algorithm_type\": \"sde-dpmsolver++\"}",
        "dpmpp_2m | {\"solver_type\": \"heun\"}",
        "dpmpp_2m | {\"use_lu_lambdas\": true}",
        "dpmpp_2m | {\"variance_type\": \"learned_range\"}",
        "ddpm     | {\"variance_type\": \"fixed_large\"}"})
    void unsupportedConfigsAreRefused(String sampler, String json) {
        assertThrows(IllegalArgumentException.class,
                () -> Schedulers.create(sampler, SchedulerConfig.parse(Json.MAPPER.readTree(json)), 10));
    }

    @Test
    void keysOfAnotherSamplerDoNotGetInTheWay() {
        // a DPM config with Karras sigmas still makes a DDIM run: DDIM has no such option
        SchedulerConfig dpm = with(o -> o.put("_class_name", "DPMSolverMultistepScheduler")
                .put("use_karras_sigmas", true).put("solver_order", 3));
        assertEquals(10, Schedulers.create("ddim", dpm, 10).timesteps().length);
        assertThrows(IllegalArgumentException.class, () -> Schedulers.create(null, dpm, 10));
    }

    @Test
    void readsDiffusersFilesWithInfinity() throws IOException {
        Path file = tmp.resolve("scheduler_config.json");
        Files.writeString(file, "{\"_class_name\": \"DPMSolverMultistepScheduler\", \"beta_schedule\": "
                + "\"scaled_linear\", \"beta_start\": 0.00085, \"beta_end\": 0.012, \"lambda_min_clipped\": "
                + "-Infinity, \"trained_betas\": null, \"prediction_type\": \"v_prediction\"}",
                StandardCharsets.UTF_8);
        SchedulerConfig c = SchedulerConfig.read(file);
        assertEquals("DPMSolverMultistepScheduler", c.className());
        assertEquals(PredictionType.V_PREDICTION, c.predictionType());
        assertEquals(Double.NEGATIVE_INFINITY, c.number("lambda_min_clipped", 0));
        assertEquals(999, Schedulers.create(null, c, 10).timesteps()[0]);
        Files.writeString(file, "{not json", StandardCharsets.UTF_8);
        assertThrows(IOException.class, () -> SchedulerConfig.read(file));
    }

    @Test
    void lambdaClippingShortensTheRange() {
        // λ(999) ≈ -2.68; the 31 timesteps with λ below -2.5 are cut (numpy: searchsorted gives 31)
        SchedulerConfig c = with(o -> o.put("lambda_min_clipped", -2.5));
        assertArrayEquals(new long[] {968, 871, 774, 678, 581, 484, 387, 290, 194, 97},
                Schedulers.create("dpmpp_2m", c, 10).timesteps());
    }
}
