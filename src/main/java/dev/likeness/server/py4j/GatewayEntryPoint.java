package dev.likeness.server.py4j;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.server.api.ApiException;
import dev.likeness.server.api.ApiJson;
import dev.likeness.server.api.JobView;
import dev.likeness.server.api.PreviewView;
import dev.likeness.server.api.SystemViews;
import dev.likeness.server.api.Version;
import dev.likeness.server.concepts.ServerConcepts;
import dev.likeness.server.config.Limits;
import dev.likeness.server.jobs.Job;
import dev.likeness.server.jobs.JobKinds;
import dev.likeness.server.jobs.JobQueue;
import dev.likeness.server.uploads.UploadStore;
import dev.likeness.util.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

/** The Py4J façade over the same services the HTTP routes use, with the same limits. */
public final class GatewayEntryPoint implements GatewayFacade {
    private final JobQueue jobs;
    private final ServerConcepts concepts;
    private final UploadStore uploads;
    private final Supplier<Object> modelListing;
    private final Limits limits;

    public GatewayEntryPoint(JobQueue jobs, ServerConcepts concepts, UploadStore uploads,
            Supplier<Object> modelListing, Limits limits) {
        this.jobs = jobs;
        this.concepts = concepts;
        this.uploads = uploads;
        this.modelListing = modelListing;
        this.limits = limits;
    }

    @Override
    public String version() {
        return Json.write(new SystemViews.VersionInfo(Version.server(), Version.API,
                JobKinds.PUBLIC.stream().filter(jobs::hasRunner).toList(), true));
    }

    @Override
    public String listModels() {
        return Json.write(modelListing.get());
    }

    @Override
    public String listConcepts() {
        return Json.write(Map.of("concepts", concepts.list()));
    }

    @Override
    public String stageImage(byte[] png) {
        if (png == null) {
            throw ApiException.badRequest("png", "png bytes are required");
        }
        if (png.length > limits.maxUploadBytes()) {
            throw ApiException.tooLarge("PAYLOAD_TOO_LARGE", "the image is larger than " + limits.maxUploadBytes()
                    + " bytes");
        }
        return Json.write(uploads.put(png));
    }

    @Override
    public String submit(String kind, String specJson) {
        if (kind == null || !JobKinds.PUBLIC.contains(kind)) {
            throw new ApiException(404, "UNKNOWN_JOB_KIND", "job kinds are " + JobKinds.PUBLIC, "kind");
        }
        jobs.requireRunner(kind);
        if (specJson == null || specJson.length() > limits.maxJsonBytes()) {
            throw ApiException.tooLarge("PAYLOAD_TOO_LARGE", "the spec is missing or too large");
        }
        JsonNode spec = ApiJson.parse(specJson.getBytes(StandardCharsets.UTF_8));
        Job job = jobs.submit(kind, spec);
        return Json.write(JobView.of(job.snapshot(), jobs.results(job)));
    }

    @Override
    public String status(String jobId) {
        Job job = jobs.get(jobId);
        return Json.write(JobView.of(job.snapshot(), jobs.results(job)));
    }

    @Override
    public String cancel(String jobId) {
        Job job = jobs.cancel(jobId);
        return Json.write(JobView.of(job.snapshot(), jobs.results(job)));
    }

    @Override
    public byte[] result(String jobId, int index) {
        Job job = jobs.get(jobId);
        return jobs.results(job).png(index);
    }

    @Override
    public String preview(String jobId) {
        return Json.write(PreviewView.of(jobs.latestPreview(jobs.get(jobId))));
    }
}
