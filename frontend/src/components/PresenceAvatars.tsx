import { initials, type Person } from "../realtime/presence";

interface PresenceAvatarsProps {
  people: Person[];
  /** What to say after each name in the tooltip ("in Story", "editing"). */
  describe?: (person: Person) => string;
  label?: string;
}

/** Initials of the people present, with who and where as the tooltip. */
export function PresenceAvatars({ people, describe, label = "Also here" }: PresenceAvatarsProps) {
  if (people.length === 0) return null;
  return (
    <span className="presence" aria-label={label} data-testid="presence">
      {people.map((person) => {
        const more = describe?.(person);
        return (
          <span
            key={person.user}
            className={`avatar${person.locks.length > 0 ? " avatar-editing" : ""}`}
            title={more ? `${person.user} — ${more}` : person.user}
            data-user={person.user}
          >
            {initials(person.user)}
          </span>
        );
      })}
    </span>
  );
}
