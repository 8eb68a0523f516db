import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ChatApi } from './api/chat.ts';
import type { Session } from './api/session.ts';
import type { User } from './api/types.ts';
import type { ConversationList } from './state/conversations.ts';
import type { Replies } from './state/replies.ts';

/** What the views of a signed-in person share. */
export interface Workspace {
  session: Session;
  user: User;
  chat: ChatApi;
  conversations: ConversationList;
  replies: Replies;
}

export const WorkspaceContext = createContext<Workspace | null>(null);

export function useWorkspace(): Workspace {
  const workspace = useContext(WorkspaceContext);
  if (!workspace) throw new Error('useWorkspace outside a WorkspaceContext');
  return workspace;
}
