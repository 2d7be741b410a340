namespace MusicLM.Torch.nn;

/// <summary>
/// Marks a <see cref="Tensor"/> or <see cref="Module"/> field of a module as not part of it: not a
/// buffer, not a child, not in <c>state_dict</c> (e.g. a cache or a shared reference).
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class TransientAttribute : Attribute { }
