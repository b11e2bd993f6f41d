using System.Net;
using k8s.Models;
using ZkSync.LocalCluster.Kubelet.Runtime;

namespace ZkSync.LocalCluster.Kubelet;

/// <summary>
/// Turns a pod bound to a local node into what the process runtime runs (<see cref="PodSandboxSpec"/>): its volumes,
/// then per container its image (a mapped directory), environment and argument vector. Anything that blocks a
/// container (an unmapped image, a missing Secret, a volume that cannot be mounted or is not attached yet) keeps the
/// whole pod from starting, with the reason the real kubelet reports (<c>ContainerCreating</c>, <c>ErrImagePull</c>,
/// <c>CreateContainerConfigError</c>, <c>CreateContainerError</c>) and its events.
/// </summary>
internal sealed class SandboxPlanner
{
    private readonly ImageStore _images;
    private readonly ContainerEnvironment _environment;
    private readonly PodVolumeResolver _volumes;

    public SandboxPlanner(ImageStore images, ContainerEnvironment environment, PodVolumeResolver volumes)
    {
        _images = images;
        _environment = environment;
        _volumes = volumes;
    }

    public async Task<SandboxPlan> PlanAsync(
        V1Pod pod, IPAddress podIP, string hostIP, IReadOnlyList<KeyValuePair<string, string>> serviceEnv, IReadOnlyDictionary<string, string> allocatable,
        IReadOnlyList<HostEntry> nameEntries, CancellationToken cancellationToken)
    {
        ResolvedVolumes volumes;
        try
        {
            volumes = _volumes.Resolve(pod, podIP, hostIP, allocatable);
        }
        catch (VolumeMountException e)
        {
            return new SandboxPlan { Problems = [new PodProblem("Warning", "FailedMount", e.Message, null)] };
        }

        if (volumes.Unattached.Count > 0)
        {
            return new SandboxPlan(); // the attach/detach controller records why
        }

        var waiting = new Dictionary<string, (string Reason, string? Message)>(StringComparer.Ordinal);
        var problems = new List<PodProblem>();
        var pulled = new List<PodProblem>();
        var hostname = pod.Spec.Hostname is { Length: > 0 } h ? h : pod.Metadata.Name.Length > 63 ? pod.Metadata.Name[..63].TrimEnd('-', '.') : pod.Metadata.Name;
        async Task<ContainerSpec?> ContainerAsync(V1Container container, string fieldPath)
        {
            ResolvedImage image;
            try
            {
                image = await _images.ResolveAsync(container.Image, cancellationToken).ConfigureAwait(false);
            }
            catch (ImagePullException e)
            {
                waiting[container.Name] = (e.Reason, e.Message);
                problems.Add(new PodProblem("Normal", "Pulling", $"Pulling image \"{container.Image}\"", fieldPath));
                problems.Add(new PodProblem("Warning", "Failed", $"Failed to pull image \"{container.Image}\": {e.Message}", fieldPath));
                problems.Add(new PodProblem("Warning", "Failed", $"Error: {e.Reason}", fieldPath));
                return null;
            }

            List<KeyValuePair<string, string>> environment;
            var warnings = new List<string>();
            try
            {
                environment = _environment.Build(pod, container, ImageFiles.SearchDirectory(image.Directory, image.Config), hostname, podIP, hostIP, serviceEnv, allocatable, warnings);
            }
            catch (ContainerConfigException e)
            {
                waiting[container.Name] = ("CreateContainerConfigError", e.Message);
                problems.Add(new PodProblem("Warning", "Failed", $"Error: {e.Message}", fieldPath));
                return null;
            }

            problems.AddRange(warnings.Select(w => new PodProblem("Warning", "InvalidEnvironmentVariableNames", w, null)));
            IReadOnlyList<string> argv;
            try
            {
                argv = ContainerCommand.Combine(image.Config, container.Command?.ToList(), container.Args?.ToList(), environment);
            }
            catch (ArgumentException e)
            {
                waiting[container.Name] = ("CreateContainerError", e.Message);
                problems.Add(new PodProblem("Warning", "Failed", $"Error: {e.Message}", fieldPath));
                return null;
            }

            pulled.Add(new PodProblem("Normal", "Pulled", $"Container image \"{container.Image}\" already present on machine", fieldPath));
            return new ContainerSpec
            {
                Name = container.Name,
                Image = container.Image,
                ImageId = image.ImageId,
                ImageDirectory = image.Directory,
                ImageConfig = image.Config,
                Argv = argv,
                Environment = environment,
                WorkingDir = string.IsNullOrEmpty(container.WorkingDir) ? null : container.WorkingDir,
                VolumeMounts = (container.VolumeMounts ?? []).Select(m => Mount(m, volumes, environment)).ToList(),
                Ports = container.Ports?.ToList() ?? [],
                SecurityContext = container.SecurityContext,
                TerminationMessagePath = container.TerminationMessagePath ?? "/dev/termination-log",
                TerminationMessagePolicy = container.TerminationMessagePolicy == "FallbackToLogsOnError"
                    ? TerminationMessagePolicy.FallbackToLogsOnError
                    : TerminationMessagePolicy.File,
                ReadinessProbe = container.ReadinessProbe,
                LivenessProbe = container.LivenessProbe,
                StartupProbe = container.StartupProbe,
            };
        }

        var init = new List<ContainerSpec>();
        foreach (var container in pod.Spec.InitContainers ?? [])
        {
            if (await ContainerAsync(container, $"spec.initContainers{{{container.Name}}}").ConfigureAwait(false) is { } spec)
            {
                init.Add(spec);
            }
        }

        var containers = new List<ContainerSpec>();
        foreach (var container in pod.Spec.Containers)
        {
            if (await ContainerAsync(container, $"spec.containers{{{container.Name}}}").ConfigureAwait(false) is { } spec)
            {
                containers.Add(spec);
            }
        }

        if (waiting.Count > 0)
        {
            return new SandboxPlan { Waiting = waiting, Problems = problems };
        }

        var tokenLifetimes = (pod.Spec.Volumes ?? [])
            .SelectMany(v => v.Projected?.Sources ?? [])
            .Where(s => s.ServiceAccountToken is not null)
            .Select(s => TimeSpan.FromSeconds(s.ServiceAccountToken.ExpirationSeconds ?? 3607))
            .ToList();
        return new SandboxPlan
        {
            Spec = new PodSandboxSpec
            {
                Uid = pod.Metadata.Uid,
                Name = pod.Metadata.Name,
                Namespace = pod.Metadata.NamespaceProperty,
                PodIP = podIP,
                Hostname = hostname,
                Subdomain = string.IsNullOrEmpty(pod.Spec.Subdomain) ? null : pod.Spec.Subdomain,
                HostAliases = (pod.Spec.HostAliases ?? [])
                    .Where(a => IPAddress.TryParse(a.Ip, out _))
                    .Select(a => new HostEntry(IPAddress.Parse(a.Ip), a.Hostnames?.ToList() ?? []))
                    .ToList(),
                NameEntries = nameEntries,
                Volumes = volumes.Volumes,
                InitContainers = init,
                Containers = containers,
                RestartPolicy = pod.Spec.RestartPolicy switch
                {
                    "Never" => PodRestartPolicy.Never,
                    "OnFailure" => PodRestartPolicy.OnFailure,
                    _ => PodRestartPolicy.Always,
                },
                TerminationGracePeriod = TimeSpan.FromSeconds(Math.Max(0, pod.Spec.TerminationGracePeriodSeconds ?? 30)),
                ShareProcessNamespace = pod.Spec.ShareProcessNamespace == true,
                SecurityContext = pod.Spec.SecurityContext,
            },
            Problems = problems,
            OnStart = pulled,
            TokenRefreshInterval = tokenLifetimes.Count == 0 ? null : tokenLifetimes.Min() * 0.8,
        };
    }

    private static V1VolumeMount Mount(V1VolumeMount mount, ResolvedVolumes volumes, IReadOnlyList<KeyValuePair<string, string>> environment) => new()
    {
        Name = mount.Name,
        MountPath = mount.MountPath,
        ReadOnlyProperty = mount.ReadOnlyProperty == true || volumes.ReadOnly.Contains(mount.Name),
        SubPath = string.IsNullOrEmpty(mount.SubPathExpr) ? mount.SubPath : VariableExpansion.Expand(mount.SubPathExpr, environment),
        MountPropagation = mount.MountPropagation,
    };
}
