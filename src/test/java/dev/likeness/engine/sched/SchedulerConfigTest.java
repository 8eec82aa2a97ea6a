package dev.likeness.engine.sched;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.util.Json;
import org.junit.jupiter.api.Test;

/** Parsing diffusers scheduler configs. */
class SchedulerConfigTest {

    @Test
    void readsTheModelsConfigs() throws Exception {
        try (SchedulerGolden sd1 = SchedulerGolden.open("sd1"); SchedulerGolden sd2 = SchedulerGolden.open("sd2")) {
            SchedulerConfig pndm = sd1.modelConfig();
            assertEquals("PNDMScheduler", pndm.className());
            assertEquals(BetaSchedule.SCALED_LINEAR, pndm.betaSchedule());
            assertEquals(0.00085, pndm.betaStart());
            assertEquals(PredictionType.EPSILON, pndm.predictionType());
            assertEquals(TimestepSpacing.LEADING, pndm.timestepSpacing());
            assertEquals(1, pndm.stepsOffset());
            assertTrue(pndm.flag("skip_prk_steps", false));
            assertNull(pndm.trainedBetas());
            SchedulerConfig ddim = sd2.modelConfig();
            assertEquals("DDIMScheduler", ddim.className());
            assertEquals(PredictionType.V_PREDICTION, ddim.predictionType());
            assertFalse(ddim.flag("clip_sample", true));
        }
    }

    @Test
    void absentKeysTakeDiffusersDefaults() {
        SchedulerConfig c = SchedulerConfig.defaults();
        assertNull(c.className());
        assertEquals(1000, c.numTrainTimesteps());
        assertEquals(BetaSchedule.LINEAR, c.betaSchedule());
        assertEquals(0.0001, c.betaStart());
        assertEquals(0.02, c.betaEnd());
        assertEquals(PredictionType.EPSILON, c.predictionType());
        assertNull(c.timestepSpacing(), "left to each sampler");
        assertEquals(TimestepSpacing.LINSPACE, c.spacingOr(TimestepSpacing.LINSPACE));
        assertEquals(0, c.stepsOffset());
        assertFalse(c.rescaleBetasZeroSnr());
        assertEquals("x", c.text("missing", "x"));
    }

    @Test
    void nullValuesCountAsAbsent() throws Exception {
        SchedulerConfig c = SchedulerConfig.parse(Json.MAPPER.readTree(
                "{\"trained_betas\": null, \"timestep_spacing\": null, \"variance_type\": null}"));
        assertNull(c.trainedBetas());
        assertNull(c.timestepSpacing());
        assertEquals("fixed_small", c.text("variance_type", "fixed_small"));
    }

    @Test
    void theRecordCannotBeChangedFromOutside() {
        ObjectNode o = Json.MAPPER.createObjectNode().put("num_train_timesteps", 2).put("clip_sample", false);
        o.putArray("trained_betas").add(0.1).add(0.2);
        SchedulerConfig c = SchedulerConfig.parse(o);
        o.put("clip_sample", true);
        c.trainedBetas()[0] = 0.9f;
        c.options().put("clip_sample", true);
        assertFalse(c.flag("clip_sample", true));
        assertArrayEquals(new float[] {0.1f, 0.2f}, c.trainedBetas());
    }

    @Test
    void wrongTypesAreNamed() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SchedulerConfig.parse(Json.MAPPER.readTree("{\"steps_offset\": \"1\"}")));
        assertTrue(e.getMessage().contains("steps_offset"), e.getMessage());
        IllegalArgumentException b = assertThrows(IllegalArgumentException.class,
                () -> SchedulerConfig.parse(Json.MAPPER.readTree("{\"beta_schedule\": \"sigmoid\"}")));
        assertTrue(b.getMessage().contains("scaled_linear"), b.getMessage());
    }
}
