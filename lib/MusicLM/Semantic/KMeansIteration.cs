namespace MusicLM.Semantic;

/// <summary>One Lloyd iteration of <see cref="KMeans.Fit"/>: the inertia (sum of squared distances to the nearest centre) of its assignment, and how many empty clusters it re-seeded.</summary>
public sealed record KMeansIteration(int Iteration, double Inertia, int Reseeded);
