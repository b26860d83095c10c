// A Rapier world built from a Scene. Physics owns object motion: `step()` advances it and writes the new poses
// back into the Scene's objects, which the renderer and the annotators then read.
import type { Quat, Vec3 } from '../../core/math.js';
import { quatFromAxisAngle } from '../../core/math.js';
import type { Scene, SceneObject, Shape } from '../../core/scene.js';
import { type Rapier, loadRapier } from './rapier.js';

type World = InstanceType<Rapier['World']>;
type RigidBody = ReturnType<World['createRigidBody']>;
type ColliderDesc = InstanceType<Rapier['ColliderDesc']>;

export interface PhysicsOptions {
  hz: number;
  /** density used where an object gives no mass, kg/m³ (plastic/wood) */
  density?: number;
  /**
   * How far ahead (metres) Rapier predicts contacts; its default is 2 cm. Grasping wants 2 mm: a manifold made early
   * goes stale while a finger slides past an object and shoves it before any real contact (generators/robot/contacts.ts).
   */
  predictionDistance?: number;
  /**
   * Let bodies at rest sleep (Rapier: below 4 cm/s and 0.5 rad/s at this length unit for 2 s; a moving kinematic
   * body or a new contact wakes them). Off by default: settling and the asset tests watch every body. A scripted
   * arm episode turns it on: most objects lie still all episode, and solving their contacts every step was about
   * half of its CPU time.
   */
  sleep?: boolean;
}

// Rapier's round shapes stand along +y; scene shapes stand along +z.
const Y_TO_Z: Quat = quatFromAxisAngle([1, 0, 0], Math.PI / 2);

/** Rapier collider descriptions of a scene shape, in the object frame (exact primitives, or the mesh's convex parts). */
export function colliderDescs(R: Rapier, shape: Shape): ColliderDesc[] {
  const rot = { x: Y_TO_Z[0], y: Y_TO_Z[1], z: Y_TO_Z[2], w: Y_TO_Z[3] };
  switch (shape.kind) {
    case 'box':
      return [R.ColliderDesc.cuboid(shape.size[0] / 2, shape.size[1] / 2, shape.size[2] / 2)];
    case 'sphere':
      return [R.ColliderDesc.ball(shape.radius)];
    case 'cylinder':
      return [R.ColliderDesc.cylinder(shape.height / 2, shape.radius).setRotation(rot)];
    case 'capsule':
      return [R.ColliderDesc.capsule(shape.height / 2, shape.radius).setRotation(rot)];
    case 'cone':
      return [R.ColliderDesc.cone(shape.height / 2, shape.radius).setRotation(rot)];
    case 'mesh': {
      const parts = shape.convexParts?.length ? shape.convexParts : [shape.positions];
      return parts.map((p) => {
        const d = R.ColliderDesc.convexHull(p);
        if (!d) throw new Error('degenerate convex collider (all points coplanar?)');
        return d;
      });
    }
  }
}

export class PhysicsWorld {
  private readonly bodies = new Map<number, RigidBody>();
  private awake: RigidBody[] = [];
  private steps = 0;

  private constructor(
    private readonly R: Rapier,
    private readonly world: World,
    readonly scene: Scene,
    readonly hz: number,
  ) {}

  static async create(scene: Scene, opts: PhysicsOptions): Promise<PhysicsWorld> {
    const R = await loadRapier();
    const world = new R.World({ x: 0, y: 0, z: -9.81 });
    world.timestep = 1 / opts.hz;
    // tabletop objects are centimetres across: Rapier's default length unit (1 m) makes its contact tolerances too
    // coarse for them (3 of 186 library assets rocked or sank at a corner)
    world.lengthUnit = 0.1;
    if (opts.predictionDistance !== undefined) {
      // Rapier scales its normalised tolerances by the length unit
      world.integrationParameters.normalizedPredictionDistance = Math.min(world.integrationParameters.normalizedPredictionDistance, opts.predictionDistance / world.lengthUnit);
    }
    const pw = new PhysicsWorld(R, world, scene, opts.hz);
    for (const o of scene.objects) pw.addObject(o, opts.density ?? 600, opts.sleep ?? false);
    return pw;
  }

  private addObject(o: SceneObject, density: number, canSleep: boolean): void {
    const R = this.R;
    const [x, y, z] = o.pose.position;
    const [qx, qy, qz, qw] = o.pose.quaternion;
    const desc =
      o.body === 'fixed' ? R.RigidBodyDesc.fixed() : o.body === 'kinematic' ? R.RigidBodyDesc.kinematicPositionBased() : R.RigidBodyDesc.dynamic();
    desc.setTranslation(x, y, z).setRotation({ x: qx, y: qy, z: qz, w: qw });
    if (o.body === 'dynamic') {
      // no rolling resistance in Rapier: a little damping lets balls and cylinders come to rest on the table
      desc.setLinearDamping(0.1).setAngularDamping(0.8).setCcdEnabled(true).setCanSleep(canSleep);
    }
    const body = this.world.createRigidBody(desc);
    const descs = colliderDescs(R, o.shape);
    for (const [i, c] of descs.entries()) {
      c.setFriction(o.friction).setRestitution(o.restitution);
      if (o.body === 'dynamic') {
        if (o.mass > 0) c.setMass(o.partMasses?.length === descs.length ? o.partMasses[i] : o.mass / descs.length);
        else c.setDensity(density);
      }
      this.world.createCollider(c, body);
    }
    this.bodies.set(o.id, body);
  }

  get time(): number {
    return this.steps / this.hz;
  }

  /** Sets where a kinematic object will be after the next step (Rapier derives its velocity from this). */
  moveKinematic(id: number, position: Vec3, quaternion?: Quat): void {
    const b = this.body(id);
    b.setNextKinematicTranslation({ x: position[0], y: position[1], z: position[2] });
    if (quaternion) b.setNextKinematicRotation({ x: quaternion[0], y: quaternion[1], z: quaternion[2], w: quaternion[3] });
  }

  /**
   * These bodies never sleep (with `sleep` on): what a task handles. A held object is still relative to the fingers
   * that hold it, and Rapier may put it to sleep while the fingers pause; asleep, it stays behind when the arm moves.
   */
  keepAwake(ids: readonly number[]): void {
    this.awake = ids.map((id) => this.body(id));
  }

  step(): void {
    for (const b of this.awake) b.wakeUp();
    this.world.step();
    this.steps++;
    this.syncToScene();
  }

  /** Steps until every dynamic body is at rest or `maxSeconds` pass; returns the simulated seconds. */
  settle(maxSeconds: number, restSpeed = 0.005): number {
    const start = this.steps;
    const maxSteps = Math.round(maxSeconds * this.hz);
    while (this.steps - start < maxSteps) {
      this.step();
      if ((this.steps - start) % 12 === 0 && this.maxSpeed() < restSpeed) break;
    }
    return (this.steps - start) / this.hz;
  }

  /** Largest linear speed (m/s) of any dynamic body, angular speed counted at 5 cm lever. */
  maxSpeed(): number {
    let m = 0;
    for (const o of this.scene.objects) {
      if (o.body !== 'dynamic') continue;
      const b = this.body(o.id);
      const v = b.linvel();
      const w = b.angvel();
      m = Math.max(m, Math.hypot(v.x, v.y, v.z), 0.05 * Math.hypot(w.x, w.y, w.z));
    }
    return m;
  }

  private body(id: number): RigidBody {
    const b = this.bodies.get(id);
    if (!b) throw new Error(`physics has no body for object ${id}`);
    return b;
  }

  private syncToScene(): void {
    for (const o of this.scene.objects) {
      if (o.body === 'fixed') continue;
      const b = this.body(o.id);
      const t = b.translation();
      const r = b.rotation();
      o.pose = { position: [t.x, t.y, t.z], quaternion: [r.x, r.y, r.z, r.w] };
    }
  }

  free(): void {
    this.world.free();
  }
}
