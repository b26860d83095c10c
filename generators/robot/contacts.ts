// Contact settings the kinematic gripper needs from Rapier.
//
// Rapier 0.21 (JS) predicts contacts 2 cm ahead (normalizedPredictionDistance 0.02) and refreshes a pair's contact
// manifold incrementally while the shapes' relative motion looks small (parry's try_update_contacts keeps the
// local points and the normal, updating only the distance, until a point has drifted ~3 cm). A finger sliding
// down past an object's side therefore keeps the manifold made when its tip passed the object's upper half: the
// stale tilted normal reads as penetration a centimetre before any real contact, and the speculative-contact
// impulse shoves the object down and away (measured: a 5.8 cm ball pushed 1–3 cm by a fingertip passing 8 mm
// away; a box by one passing 5 mm away). With a 2 mm prediction distance the manifold only forms at real contact
// and the push disappears (balls and boxes at any gap tried, cylinders from 5 mm).
//
// PhysicsWorld takes it as `predictionDistance`; grasping worlds pass this value.
import type { PhysicsOptions } from '../physics/world.js';
export const GRASP_PREDICTION_DISTANCE = 0.002;

/** The physics of an episode with an arm (recording and replay must build the same world). */
export function armPhysicsOptions(hz: number): PhysicsOptions {
  return { hz, predictionDistance: GRASP_PREDICTION_DISTANCE, sleep: true };
}
