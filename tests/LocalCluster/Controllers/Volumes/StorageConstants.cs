namespace ZkSync.LocalCluster.Controllers.Volumes;

/// <summary>Names the storage controllers share: the local provisioner, its default class, annotations, finalizers.</summary>
public static class StorageConstants
{
    /// <summary>The provisioner of the cluster's default StorageClass: a directory per volume under the data directory.</summary>
    public const string Provisioner = "local-cluster.zksync.io/directory";

    public const string DefaultClassName = "standard";

    public const string DefaultClassAnnotation = "storageclass.kubernetes.io/is-default-class";

    public const string ClaimProtectionFinalizer = "kubernetes.io/pvc-protection";

    public const string VolumeProtectionFinalizer = "kubernetes.io/pv-protection";

    public const string BindCompletedAnnotation = "pv.kubernetes.io/bind-completed";

    public const string BoundByControllerAnnotation = "pv.kubernetes.io/bound-by-controller";

    public const string ProvisionedByAnnotation = "pv.kubernetes.io/provisioned-by";

    public const string StorageProvisionerAnnotation = "volume.kubernetes.io/storage-provisioner";

    public const string BetaStorageProvisionerAnnotation = "volume.beta.kubernetes.io/storage-provisioner";

    public const string SelectedNodeAnnotation = "volume.kubernetes.io/selected-node";

    public const string ControllerComponent = "persistentvolume-controller";
}
