using System.Text.Json.Serialization;
using k8s.Models;

namespace ZkSync.Operator.Entities;

/// <summary><c>spec.workers</c>: the worker pods.</summary>
public sealed class V1Alpha1WorkerOptions
{
    [JsonPropertyName("image")]
    public string? Image { get; set; }

    [JsonPropertyName("imagePullPolicy")]
    public string? ImagePullPolicy { get; set; }

    [JsonPropertyName("resources")]
    public V1ResourceRequirements? Resources { get; set; }

    [JsonPropertyName("nodeSelector")]
    public IDictionary<string, string>? NodeSelector { get; set; }

    [JsonPropertyName("tolerations")]
    public IList<V1Toleration>? Tolerations { get; set; }

    [JsonPropertyName("affinity")]
    public V1Affinity? Affinity { get; set; }

    [JsonPropertyName("podSecurityContext")]
    public V1PodSecurityContext? PodSecurityContext { get; set; }

    [JsonPropertyName("securityContext")]
    public V1SecurityContext? SecurityContext { get; set; }

    [JsonPropertyName("priorityClassName")]
    public string? PriorityClassName { get; set; }

    [JsonPropertyName("serviceAccountName")]
    public string? ServiceAccountName { get; set; }

    [JsonPropertyName("podLabels")]
    public IDictionary<string, string>? PodLabels { get; set; }

    [JsonPropertyName("podAnnotations")]
    public IDictionary<string, string>? PodAnnotations { get; set; }
}
