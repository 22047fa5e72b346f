package dev.kapal.apiserver.kinds;

import static dev.kapal.apiserver.kinds.KindStrategy.SelectableField.number;
import static dev.kapal.apiserver.kinds.Trees.defaultBoolean;
import static dev.kapal.apiserver.kinds.Trees.defaultInt;
import static dev.kapal.apiserver.kinds.Trees.defaultObject;
import static dev.kapal.apiserver.kinds.Trees.defaultText;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.apiserver.registry.Strategy;
import java.util.List;
import java.util.Map;

/** Strategies of the {@code batch/v1} kinds. */
final class BatchKinds {
    static final String CONTROLLER_UID = "batch.kubernetes.io/controller-uid";
    static final String JOB_NAME = "batch.kubernetes.io/job-name";
    static final List<String> JOB_RESTART_POLICIES = List.of("OnFailure", "Never");

    private BatchKinds() {
    }

    /**
     * Jobs. Unless {@code manualSelector} is true the selector is generated from the job's uid
     * and the template gets the matching labels (legacy unprefixed ones too, as upstream still
     * writes them). Upstream does this at validation time because its uid is assigned late; here
     * the generic store sets {@code metadata.uid} before any strategy runs, so it happens in
     * {@code prepareForCreate}.
     */
    static final Strategy JOBS = KindStrategy.builder()
            .tracksGeneration()
            .fields(number("status.successful"))
            .defaults(object -> {
                ObjectNode spec = defaultObject(object, "spec");
                if (Trees.absent(spec, "completions") && Trees.absent(spec, "parallelism")) {
                    spec.put("completions", 1);
                }
                defaultInt(spec, "parallelism", 1);
                defaultInt(spec, "backoffLimit", Trees.absent(spec, "backoffLimitPerIndex") ? 6 : Integer.MAX_VALUE);
                defaultText(spec, "completionMode", "NonIndexed");
                defaultBoolean(spec, "suspend", false);
                defaultText(spec, "podReplacementPolicy",
                        spec.path("podFailurePolicy").isObject() ? "Failed" : "TerminatingOrFailed");
                PodSpecs.applyTemplateDefaults(spec);
            })
            .prepareForCreate(BatchKinds::generateSelector)
            .validate((object, errors) -> {
                JsonNode spec = object.path("spec");
                for (String field : List.of("parallelism", "completions", "backoffLimit", "activeDeadlineSeconds")) {
                    Workloads.nonNegative(spec, field, "spec." + field, errors);
                }
                errors.oneOf("spec.completionMode", Trees.text(spec, "completionMode"), List.of("NonIndexed", "Indexed"));
                validateJobSelector(object, errors);
                PodSpecs.validate(spec.path("template").path("spec"), "spec.template.spec", JOB_RESTART_POLICIES, errors);
            })
            .validateUpdate((object, old, errors) -> {
                Workloads.selectorImmutable(object, old, errors);
                for (String field : List.of("completionMode")) {
                    if (!Trees.same(object.path("spec").get(field), old.path("spec").get(field))) {
                        errors.invalid("spec." + field, Trees.text(object.path("spec"), field), Errors.IMMUTABLE);
                    }
                }
            })
            .build();

    static final Strategy CRON_JOBS = KindStrategy.builder()
            .tracksGeneration()
            .defaults(object -> {
                ObjectNode spec = defaultObject(object, "spec");
                defaultText(spec, "concurrencyPolicy", "Allow");
                defaultBoolean(spec, "suspend", false);
                defaultInt(spec, "successfulJobsHistoryLimit", 3);
                defaultInt(spec, "failedJobsHistoryLimit", 1);
                PodSpecs.applyTemplateDefaults(defaultObject(defaultObject(spec, "jobTemplate"), "spec"));
            })
            .validate((object, errors) -> {
                JsonNode spec = object.path("spec");
                String schedule = Trees.text(spec, "schedule");
                if (schedule.isEmpty()) {
                    errors.required("spec.schedule");
                }
                errors.oneOf("spec.concurrencyPolicy", Trees.text(spec, "concurrencyPolicy"),
                        List.of("Allow", "Forbid", "Replace"));
                Workloads.nonNegative(spec, "successfulJobsHistoryLimit", "spec.successfulJobsHistoryLimit", errors);
                Workloads.nonNegative(spec, "failedJobsHistoryLimit", "spec.failedJobsHistoryLimit", errors);
                PodSpecs.validate(spec.path("jobTemplate").path("spec").path("template").path("spec"),
                        "spec.jobTemplate.spec.template.spec", JOB_RESTART_POLICIES, errors);
            })
            .build();

    private static void generateSelector(ObjectNode job) {
        ObjectNode spec = defaultObject(job, "spec");
        if (spec.path("manualSelector").asBoolean(false)) {
            return;
        }
        String uid = Trees.text(job.path("metadata"), "uid");
        String name = Trees.text(job.path("metadata"), "name");
        ObjectNode labels = defaultObject(defaultObject(defaultObject(spec, "template"), "metadata"), "labels");
        labels.put(CONTROLLER_UID, uid).put(JOB_NAME, name).put("controller-uid", uid).put("job-name", name);
        ObjectNode matchLabels = defaultObject(defaultObject(spec, "selector"), "matchLabels");
        if (!matchLabels.has(CONTROLLER_UID)) {
            matchLabels.put(CONTROLLER_UID, uid);
        }
    }

    private static void validateJobSelector(ObjectNode job, Errors errors) {
        JsonNode spec = job.path("spec");
        JsonNode selector = spec.get("selector");
        if (selector == null || !selector.isObject()) {
            errors.required("spec.selector");
            return;
        }
        if (!spec.path("manualSelector").asBoolean(false)) {
            Map<String, String> generated = Map.of(CONTROLLER_UID, Trees.text(job.path("metadata"), "uid"));
            if (!Trees.stringMap(selector, "matchLabels").equals(generated) || selector.has("matchExpressions")) {
                errors.invalid("spec.selector", GoValues.labelSelector(selector), "`selector` not auto-generated");
            }
        }
        Map<String, String> labels = Trees.stringMap(spec.path("template").path("metadata"), "labels");
        if (!Selectors.matches(selector, labels)) {
            errors.invalid("spec.template.metadata.labels", GoValues.stringMap(labels),
                    "`selector` does not match template `labels`");
        }
    }
}
